using System.Buffers;
using MessagePack;
using Spartan.Domain;

namespace Spartan.Storage.Codecs;

/// <summary>Encodes one <see cref="QueueImage"/> (a queue of a snapshot) as an <see cref="Envelope"/> whose payload
/// is, by key: 0 name, 1 next sequence, 2 messages, 3 promoted-until (nil when never), and since schema version 2
/// 4 settings (dead letter, max tries, timeout, delay; nil when unset; since version 3 a fifth value, the kept
/// attributes, when there are any) and 5 created at (nil for a declared queue), and since version 3 6 changed at.
/// Each message is an array whose keys are: 0 id, 1 body, 2 offset, 3 priority, 4 attributes, 5 max tries,
/// 6 timeout, 7 delay, 8 dispatched at, 9 status, 10 tries, 11 obtained at, 12 latest receipt, 13 visible at,
/// 14 sequence, and only where needed: 15 the timeout of a reservation that has its own (nil otherwise), 16 (version
/// 3) the first reservation's instant.</summary>
/// <remarks>Stateless and thread-safe; snapshots are encoded off the commit loop, from a captured image.</remarks>
public static class ImageCodec
{
    private const int QueueFieldsV1 = 4;
    private const int QueueFieldsV2 = 6;
    private const int QueueFields = 7;
    private const int MessageFields = 15;

    /// <summary>Appends the encoded queue image to <paramref name="output"/>.</summary>
    public static void Write(QueueImage image, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(image);
        var writer = new MessagePackWriter(output);
        var version = NeedsSqsVersion(image) ? Envelope.SqsVersion : Envelope.RuntimeQueuesVersion;
        Envelope.WriteHeader(ref writer, RecordTag.QueueImage, version == Envelope.SqsVersion ? QueueFields : QueueFieldsV2, version);
        writer.Write(image.Name);
        writer.Write(image.NextSequence);
        writer.WriteArrayHeader(image.Messages.Length);
        foreach (ref readonly var m in image.Messages.AsSpan())
        {
            writer.WriteArrayHeader(m.FirstObtainedAt is not null ? MessageFields + 2
                : m.ReservationTimeout is not null ? MessageFields + 1 : MessageFields);
            Fields.Write(ref writer, m.Id);
            Fields.Write(ref writer, m.Body);
            writer.Write(m.OffsetSeconds);
            writer.Write(m.Priority);
            Fields.Write(ref writer, m.Attributes);
            writer.Write(m.MaxTries);
            writer.Write(m.Timeout);
            Fields.Write(ref writer, m.Delay);
            Fields.Write(ref writer, m.DispatchedAt);
            writer.Write((byte)m.Status);
            writer.Write(m.Tries);
            Fields.Write(ref writer, m.ObtainedAt);
            Fields.Write(ref writer, m.LatestReceipt);
            Fields.Write(ref writer, m.VisibleAt);
            writer.Write(m.Sequence);
            if (m.FirstObtainedAt is not null || m.ReservationTimeout is not null) Fields.Write(ref writer, m.ReservationTimeout);
            if (m.FirstObtainedAt is not null) Fields.Write(ref writer, m.FirstObtainedAt);
        }

        Fields.Write(ref writer, image.PromotedUntil);
        if (image.Settings is { } settings)
        {
            var attributes = settings.Attributes.Count > 0;
            writer.WriteArrayHeader(attributes ? 5 : 4);
            Fields.Write(ref writer, settings);
            if (attributes) Fields.WriteQueueAttributes(ref writer, settings.Attributes);
        }
        else
        {
            writer.WriteNil();
        }

        Fields.Write(ref writer, image.CreatedAt);
        if (version == Envelope.SqsVersion) Fields.Write(ref writer, image.ChangedAt);
        writer.Flush();
    }

    /// <summary>Whether the image holds anything only version 3 can say; else it is written as version 2, which older
    /// builds still read.</summary>
    private static bool NeedsSqsVersion(QueueImage image)
    {
        if (image.ChangedAt is not null || image.Settings?.Attributes.Count > 0) return true;
        foreach (ref readonly var m in image.Messages.AsSpan())
            if (m.FirstObtainedAt is not null) return true;
        return false;
    }

    /// <summary>The encoded queue image in a new array.</summary>
    public static byte[] Encode(QueueImage image)
    {
        var buffer = new ArrayBufferWriter<byte>(256 + image.Messages.Length * 96);
        Write(image, buffer);
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Reads one queue image; throws <see cref="CodecException"/> for anything that is not exactly one.</summary>
    public static QueueImage Decode(ReadOnlyMemory<byte> bytes) => Fields.Guarded(bytes, "A queue image", Read);

    private static QueueImage Read(ref MessagePackReader reader)
    {
        var tag = Envelope.ReadHeader(ref reader, out var present);
        if (tag != RecordTag.QueueImage) throw new CodecException($"Expected a queue image, found tag {(byte)tag}.");
        if (present < QueueFieldsV1) throw new CodecException($"A queue image has {QueueFieldsV1} fields, this one {present}.");
        var name = Fields.ReadString(ref reader);
        var nextSequence = reader.ReadInt64();
        var messages = new MessageImage[reader.ReadArrayHeader()];
        for (var i = 0; i < messages.Length; i++) messages[i] = ReadMessage(ref reader);
        var promotedUntil = Fields.ReadOptionalInstant(ref reader);
        QueueSettings? settings = null;
        NodaTime.Instant? createdAt = null, changedAt = null;
        var read = QueueFieldsV1;
        if (present >= QueueFieldsV2)
        {
            // Settings are nil when unknown, else an array of four values (five with kept attributes).
            settings = reader.TryReadNil() ? null : ReadSettings(ref reader);
            createdAt = Fields.ReadOptionalInstant(ref reader);
            read = QueueFieldsV2;
        }

        if (present >= QueueFields)
        {
            changedAt = Fields.ReadOptionalInstant(ref reader);
            read = QueueFields;
        }

        Fields.SkipRest(ref reader, present, read);
        return new QueueImage(name, nextSequence, messages, promotedUntil)
        {
            Settings = settings,
            CreatedAt = createdAt,
            ChangedAt = changedAt,
        };
    }

    private static QueueSettings ReadSettings(ref MessagePackReader reader)
    {
        var count = reader.ReadArrayHeader();
        if (count < 4) throw new CodecException($"Queue settings have 4 values, these {count}.");
        var settings = Fields.ReadQueueSettings(ref reader);
        if (count > 4) settings = settings with { Attributes = Fields.ReadQueueAttributes(ref reader) };
        Fields.SkipRest(ref reader, count, Math.Min(count, 5));
        return settings;
    }

    private static MessageImage ReadMessage(ref MessagePackReader reader)
    {
        var present = reader.ReadArrayHeader();
        if (present < MessageFields) throw new CodecException($"A message image has {MessageFields} fields, this one {present}.");
        var image = new MessageImage(
            Fields.ReadGuid(ref reader),
            Fields.ReadBody(ref reader),
            reader.ReadInt32(),
            reader.ReadByte(),
            Fields.ReadAttributes(ref reader),
            reader.ReadUInt32(),
            reader.ReadUInt32(),
            Fields.ReadOptionalUInt32(ref reader),
            Fields.ReadInstant(ref reader),
            Fields.ReadStatus(ref reader),
            reader.ReadUInt32(),
            Fields.ReadOptionalInstant(ref reader),
            Fields.ReadOptionalReceipt(ref reader),
            Fields.ReadInstant(ref reader),
            reader.ReadInt64(),
            present > MessageFields ? Fields.ReadOptionalUInt32(ref reader) : null,
            present > MessageFields + 1 ? Fields.ReadOptionalInstant(ref reader) : null);
        Fields.SkipRest(ref reader, present, Math.Min(present, MessageFields + 2));
        return image;
    }
}
