using MessagePack;
using NodaTime;
using Spartan.Domain;
using Spartan.Domain.Events;
using Spartan.Storage.Codecs;

namespace Spartan.Storage.Tests.Codecs;

/// <summary>The on-disk bytes of every event type are pinned: a change to them must be deliberate (a new key, tag or
/// schema version, see <see cref="Envelope"/>), never a side effect.</summary>
public sealed class EventCodecTests
{
    private const string Q = "emails";
    private static readonly Instant At = Instant.FromUtc(2026, 11, 26, 12, 0, 0) + Duration.FromNanoseconds(123_456_789);
    private static readonly Guid Id = Guid.Parse("6f1c4a8e-2b9d-4d1e-9c7a-0a5f3e2d1b00");
    private static readonly Receipt Receipt = new(Guid.Parse("00112233-4455-6677-8899-aabbccddeeff"));

    // Envelope [1, tag, payload]; payload starts with "emails" (a6 656d61696c73), At as uint64 nanoseconds
    // (cf 18 eb 96 8a fc 84 4d 15) and, for message events, the id as bin 16 in UUID order.
    private const string Head = "a6656d61696c73cf18eb968afc844d15";
    private const string IdBytes = "c4106f1c4a8e2b9d4d1e9c7a0a5f3e2d1b00";

    public static TheoryData<string, QueueEvent, string> Golden => new()
    {
        {
            "MessagePushed",
            new MessagePushed(Q, At, Id, "hi", -3600, 7, new Dictionary<string, string> { ["k"] = "v" }, 5, 60, 10),
            "9301019a" + Head + IdBytes + "a26869d1f1f007" + "81a16ba176" + "053c0a"
        },
        { "MessagePushed, no delay or attributes", new MessagePushed(Q, At, Id, "", 0, 0, new Dictionary<string, string>(), 1, 30, null), "9301019a" + Head + IdBytes + "a0000080011ec0" },
        { "MessageReserved", new MessageReserved(Q, At, Id, Receipt), "93010294" + Head + IdBytes + "c41000112233445566778899aabbccddeeff" },
        { "MessageRequeued", new MessageRequeued(Q, At, Id), "93010393" + Head + IdBytes },
        { "MessageDeleted", new MessageDeleted(Q, At, Id), "93010493" + Head + IdBytes },
        { "ReservationTouched", new ReservationTouched(Q, At, Id, 90), "93010594" + Head + IdBytes + "5a" },
        { "ReservationTouched, timeout kept", new ReservationTouched(Q, At, Id, null), "93010594" + Head + IdBytes + "c0" },
        { "ReservationExpired", new ReservationExpired(Q, At, Id), "93010693" + Head + IdBytes },
        {
            "MessageDeadLettered",
            new MessageDeadLettered(Q, At, Id, "dead", DeadLetterReason.Requeued, 1, 30, null),
            "93010798" + Head + IdBytes + "a464656164" + "01011ec0"
        },
        { "MessageCollected", new MessageCollected(Q, At, Id, DeadLetterReason.NoTries), "93010894" + Head + IdBytes + "02" },
        { "QueueCleared", new QueueCleared(Q, At), "93010992" + Head },
        { "MessageRedriven", new MessageRedriven(Q, At, Id, "src", 3, 45), "93010a96" + Head + IdBytes + "a3737263032d" },

        // Schema version 2 (runtime queues): a reservation's own timeout, and the queue events.
        {
            "MessageReserved, with its own timeout",
            new MessageReserved(Q, At, Id, Receipt, 120),
            "93020295" + Head + IdBytes + "c41000112233445566778899aabbccddeeff" + "78"
        },
        { "QueueCreated", new QueueCreated(Q, At, new QueueSettings("dead", 5, 60, null)), "93020b96" + Head + "a464656164" + "053cc0" },
        { "QueueCreated, nothing set", new QueueCreated(Q, At, QueueSettings.None), "93020b96" + Head + "c0c0c0c0" },
        { "QueueChanged", new QueueChanged(Q, At, new QueueSettings(null, null, 45, 10)), "93020c96" + Head + "c0c02d0a" },
        { "QueueDeleted", new QueueDeleted(Q, At), "93020d92" + Head },

        // Schema version 3 (the SQS endpoint): a queue's kept attributes, only when it has any.
        {
            "QueueChanged, with kept attributes",
            new QueueChanged(Q, At, new QueueSettings(null, null, 45, null) { Attributes = QueueAttributes.From([new("tag:team", "x")]) }),
            "93030c97" + Head + "c0c02dc0" + "81a87461673a7465616da178"
        },
    };

    [Theory]
    [MemberData(nameof(Golden))]
    public void Each_event_type_encodes_to_its_pinned_bytes(string name, QueueEvent e, string hex)
    {
        Assert.False(string.IsNullOrEmpty(name));
        Assert.Equal(hex, Convert.ToHexStringLower(EventCodec.Encode(e)));
    }

    [Theory]
    [MemberData(nameof(Golden))]
    public void Each_event_type_decodes_from_its_pinned_bytes_to_an_equal_event(string name, QueueEvent e, string hex)
    {
        Assert.False(string.IsNullOrEmpty(name));
        var decoded = EventCodec.Decode(Convert.FromHexString(hex));
        Assert.Equal(e.GetType(), decoded.GetType());
        Assert.Equal(Describe(e), Describe(decoded));
    }

    [Fact]
    public void Every_event_type_of_the_domain_has_a_golden_case()
    {
        var covered = Golden.Select(row => row.Data.Item2.GetType()).ToHashSet();
        var all = typeof(QueueEvent).Assembly.GetTypes()
            .Where(t => t.IsSubclassOf(typeof(QueueEvent)) && !t.IsAbstract).ToHashSet();
        Assert.Equal(13, all.Count);
        Assert.Subset(covered, all);
        Assert.Subset(all, covered);
    }

    [Fact]
    public void A_newer_schema_version_is_refused_with_a_clear_error()
    {
        var bytes = EventCodec.Encode(new MessageDeleted(Q, At, Id));
        bytes[1] = 4;
        var error = Assert.Throws<CodecException>(() => EventCodec.Decode(bytes));
        Assert.Contains("schema version 4", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_tag_is_refused_with_a_clear_error()
    {
        var bytes = EventCodec.Encode(new MessageDeleted(Q, At, Id));
        bytes[2] = 0x63;
        var error = Assert.Throws<CodecException>(() => EventCodec.Decode(bytes));
        Assert.Contains("Unknown event tag 99", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_body_is_stored_as_its_utf8_bytes_and_read_back_equal()
    {
        const string text = "héllo wörld 🌍";
        var bytes = EventCodec.Encode(new MessagePushed(Q, At, Id, text, 0, 0, new Dictionary<string, string>(), 1, 30, null));
        var utf8 = System.Text.Encoding.UTF8.GetBytes(text);
        Assert.True(bytes.AsSpan().IndexOf(utf8) > 0, "the body's UTF-8 bytes appear as they are");
        var decoded = Assert.IsType<MessagePushed>(EventCodec.Decode(bytes));
        Assert.Equal(text, decoded.Body.ToString());
        Assert.Equal(utf8.Length, decoded.Body.ByteCount);
    }

    [Fact]
    public void A_body_that_is_not_utf8_is_refused_as_damage()
    {
        var bytes = EventCodec.Encode(new MessagePushed(Q, At, Id, "hi", 0, 0, new Dictionary<string, string>(), 1, 30, null));
        var body = bytes.AsSpan().IndexOf(new byte[] { 0xa2, (byte)'h', (byte)'i' });
        Assert.True(body > 0);
        bytes[body + 1] = 0xff;
        var error = Assert.Throws<CodecException>(() => EventCodec.Decode(bytes));
        Assert.Contains("not valid UTF-8", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Truncated_or_trailing_bytes_are_refused()
    {
        var bytes = EventCodec.Encode(new MessageReserved(Q, At, Id, Receipt));
        Assert.Throws<CodecException>(() => EventCodec.Decode(bytes.AsMemory(0, bytes.Length - 3)));
        Assert.Throws<CodecException>(() => EventCodec.Decode(bytes.Append((byte)0xc0).ToArray()));
        Assert.Throws<CodecException>(() => EventCodec.Decode("garbage"u8.ToArray()));
    }

    [Fact]
    public void Fields_appended_by_a_later_writer_of_the_same_version_are_skipped()
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        var writer = new MessagePackWriter(buffer);
        writer.WriteArrayHeader(3);
        writer.Write(1);
        writer.Write((byte)RecordTag.MessageCollected);
        writer.WriteArrayHeader(5);
        writer.Write(Q);
        writer.Write((At - NodaConstants.UnixEpoch).ToInt64Nanoseconds());
        writer.Write(Id.ToByteArray(bigEndian: true));
        writer.Write((byte)DeadLetterReason.Expired);
        writer.Write("a later field");
        writer.Flush();

        var decoded = Assert.IsType<MessageCollected>(EventCodec.Decode(buffer.WrittenMemory));
        Assert.Equal(DeadLetterReason.Expired, decoded.Reason);
    }

    /// <summary>Records compare their attribute maps by reference; this spells every field out instead.</summary>
    internal static string Describe(QueueEvent e) => e switch
    {
        MessagePushed p => string.Join('|', p.Queue, p.At, p.MessageId, p.Body, p.OffsetSeconds, p.Priority,
            string.Join(',', p.Attributes.OrderBy(a => a.Key, StringComparer.Ordinal).Select(a => $"{a.Key}={a.Value}")),
            p.MaxTries, p.Timeout, p.Delay),
        _ => e.ToString(),
    };
}
