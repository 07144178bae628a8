using System.Buffers;
using MessagePack;
using NodaTime;
using Spartan.Domain;

namespace Spartan.Storage.Codecs;

/// <summary>How the domain's value types are written inside a payload.</summary>
/// <remarks>Instants are Unix-epoch nanoseconds (int64): exact for NodaTime and large enough for years 1678–2261.
/// Ids and receipts are 16-byte binaries in RFC 4122 (big-endian) order, so their hex reads as the UUID text.</remarks>
internal static class Fields
{
    private static readonly IReadOnlyDictionary<string, string> NoAttributes = new Dictionary<string, string>();
    private static readonly Duration Earliest = Duration.FromNanoseconds(long.MinValue);
    private static readonly Duration Latest = Duration.FromNanoseconds(long.MaxValue);

    public static void Write(ref MessagePackWriter writer, Instant value)
    {
        var since = value - NodaConstants.UnixEpoch;
        if (since < Earliest || since > Latest)
            throw new CodecException($"Instant {value} is out of the encodable range.");
        writer.Write(since.ToInt64Nanoseconds());
    }

    public static Instant ReadInstant(ref MessagePackReader reader) =>
        NodaConstants.UnixEpoch + Duration.FromNanoseconds(reader.ReadInt64());

    public static void Write(ref MessagePackWriter writer, Instant? value)
    {
        if (value is { } v) Write(ref writer, v);
        else writer.WriteNil();
    }

    public static Instant? ReadOptionalInstant(ref MessagePackReader reader) =>
        reader.TryReadNil() ? null : ReadInstant(ref reader);

    public static void Write(ref MessagePackWriter writer, Guid value)
    {
        writer.WriteBinHeader(16);
        value.TryWriteBytes(writer.GetSpan(16), bigEndian: true, out _);
        writer.Advance(16);
    }

    public static Guid ReadGuid(ref MessagePackReader reader)
    {
        var bytes = reader.ReadBytes() ?? throw new CodecException("An id is nil.");
        if (bytes.Length != 16) throw new CodecException($"An id has 16 bytes, this one {bytes.Length}.");
        Span<byte> span = stackalloc byte[16];
        bytes.CopyTo(span);
        return new Guid(span, bigEndian: true);
    }

    public static void Write(ref MessagePackWriter writer, Receipt? value)
    {
        if (value is { } v) Write(ref writer, v.Value);
        else writer.WriteNil();
    }

    public static Receipt? ReadOptionalReceipt(ref MessagePackReader reader) =>
        reader.TryReadNil() ? null : new Receipt(ReadGuid(ref reader));

    public static void Write(ref MessagePackWriter writer, uint? value)
    {
        if (value is { } v) writer.Write(v);
        else writer.WriteNil();
    }

    public static uint? ReadOptionalUInt32(ref MessagePackReader reader) =>
        reader.TryReadNil() ? null : reader.ReadUInt32();

    /// <summary>A body is a MessagePack str of its UTF-8 bytes, written and read without a .NET string between.</summary>
    public static void Write(ref MessagePackWriter writer, MessageBody body) => writer.WriteString(body.Utf8);

    /// <summary>Four values, nil where unset: dead letter, max tries, timeout, delay. The kept attributes, when there are
    /// any, follow as a fifth value (a map) that the caller counts in its array header.</summary>
    public static void Write(ref MessagePackWriter writer, QueueSettings settings)
    {
        if (settings.DeadLetter is { } deadLetter) writer.Write(deadLetter);
        else writer.WriteNil();
        Write(ref writer, settings.MaxTries);
        Write(ref writer, settings.Timeout);
        Write(ref writer, settings.Delay);
    }

    public static QueueSettings ReadQueueSettings(ref MessagePackReader reader)
    {
        var deadLetter = reader.TryReadNil() ? null : ReadString(ref reader);
        return new QueueSettings(deadLetter, ReadOptionalUInt32(ref reader), ReadOptionalUInt32(ref reader), ReadOptionalUInt32(ref reader));
    }

    /// <summary>The fifth settings value: the kept attributes as a map.</summary>
    public static void WriteQueueAttributes(ref MessagePackWriter writer, QueueAttributes attributes) =>
        Write(ref writer, attributes.Values);

    public static QueueAttributes ReadQueueAttributes(ref MessagePackReader reader) =>
        QueueAttributes.From(ReadAttributes(ref reader));

    public static MessageBody ReadBody(ref MessagePackReader reader)
    {
        var bytes = reader.ReadStringSequence() ?? throw new CodecException("A message body is nil.");
        try
        {
            return bytes.IsSingleSegment ? MessageBody.FromUtf8(bytes.FirstSpan) : MessageBody.FromUtf8(bytes.ToArray());
        }
        catch (FormatException error)
        {
            throw new CodecException(error.Message, error);
        }
    }

    public static string ReadString(ref MessagePackReader reader) =>
        reader.ReadString() ?? throw new CodecException("A required string is nil.");

    public static void Write(ref MessagePackWriter writer, IReadOnlyDictionary<string, string> attributes)
    {
        writer.WriteMapHeader(attributes.Count);
        foreach (var (key, value) in attributes)
        {
            writer.Write(key);
            writer.Write(value);
        }
    }

    public static IReadOnlyDictionary<string, string> ReadAttributes(ref MessagePackReader reader)
    {
        var count = reader.ReadMapHeader();
        if (count == 0) return NoAttributes;
        var attributes = new Dictionary<string, string>(count, StringComparer.Ordinal);
        for (var i = 0; i < count; i++)
        {
            var key = ReadString(ref reader);
            if (!attributes.TryAdd(key, ReadString(ref reader)))
                throw new CodecException($"Attribute {key} appears twice.");
        }

        return attributes;
    }

    public static DeadLetterReason ReadReason(ref MessagePackReader reader)
    {
        var value = reader.ReadByte();
        return value <= (byte)DeadLetterReason.NoTries
            ? (DeadLetterReason)value
            : throw new CodecException($"Unknown dead-letter reason {value}.");
    }

    public static MessageStatus ReadStatus(ref MessagePackReader reader)
    {
        var value = reader.ReadByte();
        return value <= (byte)MessageStatus.Transit
            ? (MessageStatus)value
            : throw new CodecException($"Unknown message status {value}.");
    }

    /// <summary>Skips the fields a newer writer of the same version appended, so the reader ends aligned.</summary>
    public static void SkipRest(ref MessagePackReader reader, int present, int read)
    {
        for (var i = read; i < present; i++) reader.Skip();
    }

    /// <summary>Runs a decoder, turning every malformation into a <see cref="CodecException"/>.</summary>
    public static T Guarded<T>(ReadOnlyMemory<byte> bytes, string what, Decoder<T> decode)
    {
        try
        {
            var reader = new MessagePackReader(bytes);
            var value = decode(ref reader);
            if (!reader.End) throw new CodecException($"{what} has {bytes.Length - reader.Consumed} bytes past its end.");
            return value;
        }
        catch (Exception error) when (error is MessagePackSerializationException or EndOfStreamException
                                          or OverflowException or ArgumentException or InvalidOperationException)
        {
            throw new CodecException($"{what} does not decode: {error.Message}", error);
        }
    }

    public delegate T Decoder<out T>(ref MessagePackReader reader);
}
