using NodaTime;

namespace Spartan.Domain;

public sealed partial class Queue
{
    /// <summary>Copies every message in one pass over the id index; the commit loop is frozen meanwhile.</summary>
    internal QueueImage Capture()
    {
        var messages = new MessageImage[_byId.Count];
        var i = 0;
        foreach (var m in _byId)
        {
            messages[i++] = new MessageImage(m.Id, m.Body, m.OffsetSeconds, m.Priority, m.Attributes, m.MaxTries,
                m.Timeout, m.Delay, m.DispatchedAt, m.Status, m.Tries, m.ObtainedAt, m.LatestReceipt, m.VisibleAt,
                m.Sequence, m.ReservationTimeout, m.FirstObtainedAt);
        }

        return new QueueImage(Name, _nextSequence, messages, _promotedUntil == Instant.MinValue ? null : _promotedUntil)
        {
            Settings = Definition.Settings,
            CreatedAt = CreatedAt,
            ChangedAt = ChangedAt,
        };
    }

    /// <summary>Replaces the whole content of the queue by <paramref name="image"/>.</summary>
    /// <remarks>Every field is set as it was, <see cref="Message.VisibleAt"/> and <see cref="Message.Sequence"/>
    /// included, and the promotion mark is restored before placing, so each message lands in the index it was
    /// in and later events apply exactly as they did on the original.</remarks>
    internal void Restore(QueueImage image)
    {
        if (image.Settings is { } settings) Definition = settings.Resolve(Name);
        CreatedAt = image.CreatedAt;
        ChangedAt = image.ChangedAt;
        _byId.Clear();
        _ready.Clear();
        _delayed.Clear();
        _reserved.Clear();
        _exhausted.Clear();
        _nextSequence = image.NextSequence;
        _promotedUntil = image.PromotedUntil ?? Instant.MinValue;
        _byId.EnsureCapacity(image.Messages.Length);
        foreach (var m in image.Messages)
        {
            if (m.Sequence >= image.NextSequence)
                throw new InvalidOperationException(
                    $"Image of queue {Name}: message {m.Id} has sequence {m.Sequence}, not below {image.NextSequence}.");
            var message = new Message(m.Id, m.Body, m.OffsetSeconds, m.Priority, m.Attributes, m.MaxTries, m.Timeout,
                m.Delay, m.DispatchedAt)
            {
                Status = m.Status,
                Tries = m.Tries,
                ObtainedAt = m.ObtainedAt,
                LatestReceipt = m.LatestReceipt,
                VisibleAt = m.VisibleAt,
                Sequence = m.Sequence,
                ReservationTimeout = m.ReservationTimeout,
                FirstObtainedAt = m.FirstObtainedAt,
            };
            if (!_byId.TryAdd(message))
                throw new InvalidOperationException($"Image of queue {Name} holds message {m.Id} twice.");
            Place(message);
        }
    }
}
