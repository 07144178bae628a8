using NodaTime;
using Spartan.Domain.Events;

namespace Spartan.Domain;

/// <summary>The queue aggregate: its messages and the ordering indexes that keep pop, requeue, delete,
/// expiry and GC at O(log n) in queue depth.</summary>
/// <remarks>Not thread-safe: the commit loop owns every queue. State changes only through <c>Apply*</c>
/// (the fold of events); <see cref="QueueSet"/> decides which events to apply.</remarks>
public sealed partial class Queue
{
    private readonly MessageSet _byId = new();
    private readonly ReadyIndex _ready = new();
    private readonly SortedSet<Message> _delayed = new(MessageOrder.Delayed);
    private readonly SortedSet<Message> _reserved = new(MessageOrder.Reserved);
    private readonly SortedSet<Message> _exhausted = new(MessageOrder.Arrival);
    private long _nextSequence;

    // Delayed messages whose delay ended at or before this instant have moved to _ready. Visibility itself
    // is a function of time, so moving them is index upkeep, not a state change, and needs no event.
    private Instant _promotedUntil = Instant.MinValue;

    internal Queue(QueueDefinition definition) => Definition = definition;

    public QueueDefinition Definition { get; internal set; }
    public string Name => Definition.Name;

    /// <summary>When the queue was first recorded by a <see cref="Events.QueueCreated"/> (SPEC §10: created through the API,
    /// or declared at a primary's start), or null while its settings live only in the configuration or in older data.</summary>
    public Instant? CreatedAt { get; internal set; }

    /// <summary>When its settings were last recorded (created or changed), or null like <see cref="CreatedAt"/>.</summary>
    public Instant? ChangedAt { get; internal set; }

    /// <summary>Every message held, in any state (SPEC §2.9).</summary>
    public int Size => _byId.Count;

    public int VisibleCount => _ready.Count;
    public int DelayedCount => _delayed.Count;
    public int InFlightCount => _reserved.Count;
    public int ExhaustedCount => _exhausted.Count;

    public Message? Find(Guid id) => _byId.Find(id);

    /// <summary>The message pop would reserve now, after <see cref="Promote"/>.</summary>
    public Message? NextVisible => _ready.Min;

    /// <summary>The earliest instant at which a message now visible became visible (after <see cref="Promote"/>).</summary>
    public Instant? OldestVisibleAt => _ready.OldestVisibleAt;

    /// <summary>The reservation that runs out first, if any.</summary>
    public Message? FirstReservation => _reserved.Count == 0 ? null : _reserved.Min;

    /// <summary>The delayed message whose delay ends first, if any.</summary>
    public Message? FirstDelayed => _delayed.Count == 0 ? null : _delayed.Min;

    /// <summary>Messages that are not reserved, in arrival order (what a redrive moves).</summary>
    public Message[] Unreserved()
    {
        var list = new List<Message>(_byId.Count - _reserved.Count);
        foreach (var message in _byId)
            if (message.Status == MessageStatus.Available) list.Add(message);
        list.Sort(MessageOrder.Arrival);
        return [.. list];
    }

    /// <summary>Exhausted messages in arrival order (copied, so the caller may change the queue meanwhile).</summary>
    public Message[] Exhausted() => [.. _exhausted];

    /// <summary>Moves every message whose delay has ended by <paramref name="now"/> into the visible line.</summary>
    public void Promote(Instant now)
    {
        if (now <= _promotedUntil) return;
        _promotedUntil = now;
        while (_delayed.Count > 0 && _delayed.Min!.VisibleAt <= now)
        {
            var message = _delayed.Min;
            _delayed.Remove(message);
            message.Slot = Slot.None;
            Place(message);
        }
    }

    internal void ApplyPushed(MessagePushed e)
    {
        var message = new Message(e.MessageId, e.Body, e.OffsetSeconds, e.Priority, e.Attributes, e.MaxTries,
            e.Timeout, e.Delay, e.At);
        Add(message, e.At);
    }

    /// <summary>Adds a message that arrives from another queue (dead-letter move or redrive).</summary>
    internal void ApplyArrival(Message moved, Instant at, IReadOnlyDictionary<string, string> attributes,
        uint maxTries, uint timeout, uint? delay)
    {
        var message = new Message(moved.Id, moved.Body, moved.OffsetSeconds, moved.Priority, attributes, maxTries,
            timeout, delay, at);
        Add(message, at);
    }

    internal void ApplyReserved(MessageReserved e)
    {
        var message = Unplace(e.MessageId, e.At);
        message.Status = MessageStatus.Transit;
        message.Tries++;
        message.ObtainedAt = e.At;
        message.FirstObtainedAt ??= e.At;
        message.LatestReceipt = e.Receipt;
        message.ReservationTimeout = e.Timeout;
        Place(message);
    }

    internal void ApplyRequeued(MessageRequeued e)
    {
        var message = Unplace(e.MessageId, e.At);
        message.LatestReceipt = null;
        message.ReservationTimeout = null;
        MakeVisibleAgain(message, e.At);
    }

    internal void ApplyExpired(ReservationExpired e)
    {
        // The receipt stays the latest: a slow consumer may still delete with it (SPEC §2.3).
        var message = Unplace(e.MessageId, e.At);
        message.ReservationTimeout = null;
        MakeVisibleAgain(message, e.At);
    }

    internal void ApplyTouched(ReservationTouched e)
    {
        var message = Unplace(e.MessageId, e.At);
        message.ObtainedAt = e.At;
        if (e.Timeout is { } timeout)
        {
            // A new timeout replaces the message's (as before there were per-reservation ones) and this reservation's.
            message.Timeout = timeout;
            message.ReservationTimeout = null;
        }

        Place(message);
    }

    /// <summary>Removes a message for good (delete, dead-letter move, collection) and returns it.</summary>
    internal Message ApplyRemoved(MessageEvent e)
    {
        var message = Unplace(e.MessageId, e.At);
        _byId.Remove(message);
        return message;
    }

    internal void ApplyCleared(QueueCleared e)
    {
        Promote(e.At);
        _byId.Clear();
        _ready.Clear();
        _delayed.Clear();
        _reserved.Clear();
        _exhausted.Clear();
    }

    private void Add(Message message, Instant at)
    {
        Promote(at);
        if (!_byId.TryAdd(message))
            throw new InvalidOperationException($"Queue {Name} already holds message {message.Id}.");
        message.Sequence = _nextSequence++;
        Place(message);
    }

    private void MakeVisibleAgain(Message message, Instant at)
    {
        message.Status = MessageStatus.Available;
        message.VisibleAt = at;
        message.Sequence = _nextSequence++;
        Place(message);
    }

    private Message Unplace(Guid id, Instant at)
    {
        Promote(at);
        var message = _byId.Find(id) ?? throw new InvalidOperationException($"Queue {Name} holds no message {id}.");
        var removed = message.Slot switch
        {
            Slot.Ready => _ready.Remove(message),
            Slot.Delayed => _delayed.Remove(message),
            Slot.Reserved => _reserved.Remove(message),
            Slot.Exhausted => _exhausted.Remove(message),
            _ => false,
        };
        if (!removed) throw new InvalidOperationException($"Index of queue {Name} lost message {id}.");
        message.Slot = Slot.None;
        return message;
    }

    private void Place(Message message)
    {
        if (message.Status == MessageStatus.Transit)
            Put(_reserved, message, Slot.Reserved);
        else if (message.Tries >= message.MaxTries)
            Put(_exhausted, message, Slot.Exhausted);
        else if (message.VisibleAt <= _promotedUntil)
            Put(_ready, message, Slot.Ready);
        else
            Put(_delayed, message, Slot.Delayed);
    }

    private static void Put(SortedSet<Message> index, Message message, Slot slot)
    {
        index.Add(message);
        message.Slot = slot;
    }

    private static void Put(ReadyIndex index, Message message, Slot slot)
    {
        index.Add(message);
        message.Slot = slot;
    }
}
