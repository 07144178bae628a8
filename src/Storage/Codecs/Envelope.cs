using MessagePack;

namespace Spartan.Storage.Codecs;

/// <summary>What an encoded record is; the tag travels in its envelope.</summary>
/// <remarks>A number, once given, is never reused nor changed, even when its type is retired.</remarks>
public enum RecordTag : byte
{
    MessagePushed = 1,
    MessageReserved = 2,
    MessageRequeued = 3,
    MessageDeleted = 4,
    ReservationTouched = 5,
    ReservationExpired = 6,
    MessageDeadLettered = 7,
    MessageCollected = 8,
    QueueCleared = 9,
    MessageRedriven = 10,
    QueueCreated = 11,
    QueueChanged = 12,
    QueueDeleted = 13,

    /// <summary>One queue of a snapshot (a <see cref="Spartan.Domain.QueueImage"/>).</summary>
    QueueImage = 64,
}

/// <summary>The envelope around every stored or replicated record: the MessagePack array
/// <c>[schema version, tag, payload]</c>, the payload itself an array whose positions are the fields' keys.</summary>
/// <remarks>
/// How the format evolves, so that bytes written today stay readable:
/// <list type="bullet">
/// <item>A field's key (its position in the payload array) is never reused nor moved. A new field gets the next
/// key, at the end, and <see cref="SchemaVersion"/> goes up by one; a reader fills the default for a key the
/// payload does not reach, so it still reads every older version.</item>
/// <item>A new event type gets a new <see cref="RecordTag"/> number, and the version goes up by one.</item>
/// <item>A reader refuses, with a <see cref="CodecException"/> that says so, an envelope of a newer version or an
/// unknown tag: an older node must stop rather than drop facts it cannot understand.</item>
/// </list>
/// </remarks>
public static class Envelope
{
    /// <summary>The newest version this build writes and reads. A record is written with the oldest version that
    /// has every key and tag it uses, so records without the newer features stay readable by older builds.</summary>
    public const uint SchemaVersion = 3;

    /// <summary>The version of runtime queues (SPEC §10): tags 11–13, a reservation's own timeout, queue settings in
    /// images.</summary>
    public const uint RuntimeQueuesVersion = 2;

    /// <summary>The version of the SQS endpoint (SPEC §11): a queue's kept attributes (in its settings) and the instant
    /// of its last change, a message's first reservation.</summary>
    public const uint SqsVersion = 3;

    internal static void WriteHeader(ref MessagePackWriter writer, RecordTag tag, int payloadFields, uint version = 1)
    {
        writer.WriteArrayHeader(3);
        writer.Write(version);
        writer.Write((byte)tag);
        writer.WriteArrayHeader(payloadFields);
    }

    /// <summary>Reads the envelope up to the payload; returns the tag and the number of payload fields.</summary>
    internal static RecordTag ReadHeader(ref MessagePackReader reader, out int payloadFields)
    {
        var parts = reader.ReadArrayHeader();
        if (parts < 3) throw new CodecException($"An envelope has 3 parts, this one {parts}.");
        var version = reader.ReadUInt32();
        if (version == 0 || version > SchemaVersion)
            throw new CodecException(
                $"Record of schema version {version}; this build reads versions 1 to {SchemaVersion}. Upgrade Spartan to read it.");
        var tag = reader.ReadByte();
        payloadFields = reader.ReadArrayHeader();
        return (RecordTag)tag;
    }
}
