using System.Buffers;
using MessagePack;
using Spartan.Domain.Events;

namespace Spartan.Storage.Codecs;

/// <summary>Encodes every <see cref="QueueEvent"/> as an <see cref="Envelope"/> whose payload array holds, by key:
/// 0 queue, 1 at, then for message events 2 message id, then the fields of the event's own type from key 3.</summary>
/// <remarks>Stateless and thread-safe. The commit loop encodes on its own thread into a buffer it reuses, so
/// <see cref="Write"/> allocates nothing beyond that buffer's growth.</remarks>
public static class EventCodec
{
    /// <summary>Appends the encoded event to <paramref name="output"/>.</summary>
    public static void Write(QueueEvent e, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(e);
        var writer = new MessagePackWriter(output);
        switch (e)
        {
            case MessagePushed p:
                Begin(ref writer, RecordTag.MessagePushed, 10, p);
                Fields.Write(ref writer, p.Body);
                writer.Write(p.OffsetSeconds);
                writer.Write(p.Priority);
                Fields.Write(ref writer, p.Attributes);
                writer.Write(p.MaxTries);
                writer.Write(p.Timeout);
                Fields.Write(ref writer, p.Delay);
                break;
            case MessageReserved r:
                // Key 4, the reservation's own timeout, only when there is one: other reservations stay version 1.
                Begin(ref writer, RecordTag.MessageReserved, r.Timeout is null ? 4 : 5, r,
                    r.Timeout is null ? 1 : Envelope.RuntimeQueuesVersion);
                Fields.Write(ref writer, r.Receipt.Value);
                if (r.Timeout is { } timeout) writer.Write(timeout);
                break;
            case MessageRequeued r:
                Begin(ref writer, RecordTag.MessageRequeued, 3, r);
                break;
            case MessageDeleted d:
                Begin(ref writer, RecordTag.MessageDeleted, 3, d);
                break;
            case ReservationTouched t:
                Begin(ref writer, RecordTag.ReservationTouched, 4, t);
                Fields.Write(ref writer, t.Timeout);
                break;
            case ReservationExpired x:
                Begin(ref writer, RecordTag.ReservationExpired, 3, x);
                break;
            case MessageDeadLettered d:
                Begin(ref writer, RecordTag.MessageDeadLettered, 8, d);
                writer.Write(d.Target);
                writer.Write((byte)d.Reason);
                writer.Write(d.MaxTries);
                writer.Write(d.Timeout);
                Fields.Write(ref writer, d.Delay);
                break;
            case MessageCollected c:
                Begin(ref writer, RecordTag.MessageCollected, 4, c);
                writer.Write((byte)c.Reason);
                break;
            case QueueCleared c:
                Envelope.WriteHeader(ref writer, RecordTag.QueueCleared, 2);
                writer.Write(c.Queue);
                Fields.Write(ref writer, c.At);
                break;
            case MessageRedriven r:
                Begin(ref writer, RecordTag.MessageRedriven, 6, r);
                writer.Write(r.Target);
                writer.Write(r.MaxTries);
                writer.Write(r.Timeout);
                break;
            case QueueCreated c:
                WriteQueueSettings(ref writer, RecordTag.QueueCreated, c.Queue, c.At, c.Settings);
                break;
            case QueueChanged c:
                WriteQueueSettings(ref writer, RecordTag.QueueChanged, c.Queue, c.At, c.Settings);
                break;
            case QueueDeleted d:
                Envelope.WriteHeader(ref writer, RecordTag.QueueDeleted, 2, Envelope.RuntimeQueuesVersion);
                writer.Write(d.Queue);
                Fields.Write(ref writer, d.At);
                break;
            default:
                throw new CodecException($"No encoding for event type {e.GetType().Name}.");
        }

        writer.Flush();
    }

    /// <summary>The encoded event in a new array.</summary>
    public static byte[] Encode(QueueEvent e)
    {
        var buffer = new ArrayBufferWriter<byte>(128);
        Write(e, buffer);
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Reads one event; throws <see cref="CodecException"/> for anything that is not exactly one.</summary>
    public static QueueEvent Decode(ReadOnlyMemory<byte> bytes) => Fields.Guarded(bytes, "An event", Read);

    /// <summary>Queue events: 0 queue, 1 at, 2 dead letter, 3 max tries, 4 timeout, 5 delay (nil when unset), and since
    /// schema version 3, only when there are any, 6 the kept attributes.</summary>
    private static void WriteQueueSettings(ref MessagePackWriter writer, RecordTag tag, string queue, NodaTime.Instant at,
        Domain.QueueSettings settings)
    {
        var attributes = settings.Attributes.Count > 0;
        Envelope.WriteHeader(ref writer, tag, attributes ? 7 : 6, attributes ? Envelope.SqsVersion : Envelope.RuntimeQueuesVersion);
        writer.Write(queue);
        Fields.Write(ref writer, at);
        Fields.Write(ref writer, settings);
        if (attributes) Fields.WriteQueueAttributes(ref writer, settings.Attributes);
    }

    private static Domain.QueueSettings ReadQueueSettings(ref MessagePackReader reader, int present)
    {
        var settings = Fields.ReadQueueSettings(ref reader);
        return present > 6 ? settings with { Attributes = Fields.ReadQueueAttributes(ref reader) } : settings;
    }

    private static void Begin(ref MessagePackWriter writer, RecordTag tag, int fields, MessageEvent e, uint version = 1)
    {
        Envelope.WriteHeader(ref writer, tag, fields, version);
        writer.Write(e.Queue);
        Fields.Write(ref writer, e.At);
        Fields.Write(ref writer, e.MessageId);
    }

    private static QueueEvent Read(ref MessagePackReader reader)
    {
        var tag = Envelope.ReadHeader(ref reader, out var present);
        var required = Required(tag);
        if (present < required) throw new CodecException($"A {tag} event has {required} fields, this one {present}.");
        var queue = Fields.ReadString(ref reader);
        var at = Fields.ReadInstant(ref reader);
        if (tag is RecordTag.QueueCreated or RecordTag.QueueChanged or RecordTag.QueueDeleted)
        {
            QueueEvent change = tag switch
            {
                RecordTag.QueueCreated => new QueueCreated(queue, at, ReadQueueSettings(ref reader, present)),
                RecordTag.QueueChanged => new QueueChanged(queue, at, ReadQueueSettings(ref reader, present)),
                _ => new QueueDeleted(queue, at),
            };
            Fields.SkipRest(ref reader, present, tag == RecordTag.QueueDeleted ? required : Math.Min(present, 7));
            return change;
        }

        var id = tag == RecordTag.QueueCleared ? Guid.Empty : Fields.ReadGuid(ref reader);
        QueueEvent e = tag switch
        {
            RecordTag.MessagePushed => new MessagePushed(queue, at, id, Fields.ReadBody(ref reader),
                reader.ReadInt32(), reader.ReadByte(), Fields.ReadAttributes(ref reader), reader.ReadUInt32(),
                reader.ReadUInt32(), Fields.ReadOptionalUInt32(ref reader)),
            RecordTag.MessageReserved => new MessageReserved(queue, at, id, new Domain.Receipt(Fields.ReadGuid(ref reader)),
                present > 4 ? Fields.ReadOptionalUInt32(ref reader) : null),
            RecordTag.MessageRequeued => new MessageRequeued(queue, at, id),
            RecordTag.MessageDeleted => new MessageDeleted(queue, at, id),
            RecordTag.ReservationTouched => new ReservationTouched(queue, at, id, Fields.ReadOptionalUInt32(ref reader)),
            RecordTag.ReservationExpired => new ReservationExpired(queue, at, id),
            RecordTag.MessageDeadLettered => new MessageDeadLettered(queue, at, id, Fields.ReadString(ref reader),
                Fields.ReadReason(ref reader), reader.ReadUInt32(), reader.ReadUInt32(),
                Fields.ReadOptionalUInt32(ref reader)),
            RecordTag.MessageCollected => new MessageCollected(queue, at, id, Fields.ReadReason(ref reader)),
            RecordTag.QueueCleared => new QueueCleared(queue, at),
            _ => new MessageRedriven(queue, at, id, Fields.ReadString(ref reader), reader.ReadUInt32(),
                reader.ReadUInt32()),
        };
        Fields.SkipRest(ref reader, present, tag == RecordTag.MessageReserved && present > 4 ? 5 : required);
        return e;
    }

    /// <summary>The number of payload fields a record of the tag has at least; an unknown tag is refused here.</summary>
    private static int Required(RecordTag tag) => tag switch
    {
        RecordTag.MessagePushed => 10,
        RecordTag.MessageReserved or RecordTag.ReservationTouched or RecordTag.MessageCollected => 4,
        RecordTag.MessageRequeued or RecordTag.MessageDeleted or RecordTag.ReservationExpired => 3,
        RecordTag.MessageDeadLettered => 8,
        RecordTag.QueueCleared or RecordTag.QueueDeleted => 2,
        RecordTag.MessageRedriven or RecordTag.QueueCreated or RecordTag.QueueChanged => 6,
        _ => throw new CodecException(
            $"Unknown event tag {(byte)tag}; this build knows tags 1 to 13. Upgrade Spartan to read it."),
    };
}
