using NodaTime;
using Spartan.Domain.Events;

namespace Spartan.Domain;

public sealed partial class QueueSet
{
    /// <summary>Pushes a message (SPEC §2.1), resolving absent fields against the queue's defaults.</summary>
    public Guid Push(string queue, in PushRequest request, Instant now, List<QueueEvent> events)
    {
        var definition = AdvanceTo(queue, now, events).Definition;
        Emit(new MessagePushed(queue, now, request.Id, request.Body, request.OffsetSeconds ?? 0,
            request.Priority ?? 0, request.Attributes ?? NoAttributes, request.MaxTries ?? definition.MaxTries,
            request.Timeout ?? definition.Timeout, request.Delay ?? definition.Delay), events);
        return request.Id;
    }

    /// <summary>Reserves the first visible message (SPEC §2.2) under <paramref name="receipt"/>, for
    /// <paramref name="timeout"/> seconds when given instead of the message's own timeout.</summary>
    public MessageDecision Pop(string queue, Receipt receipt, Instant now, List<QueueEvent> events, uint? timeout = null)
    {
        var target = AdvanceTo(queue, now, events);
        if (target.NextVisible is not { } message) return MessageDecision.Of(Outcome.NoMessage);
        Emit(new MessageReserved(queue, now, message.Id, receipt, timeout), events);
        return MessageDecision.Ok(message.Snapshot(withReceipt: true));
    }

    /// <summary>Reserves up to <paramref name="max"/> visible messages in pop order, each under a new receipt (for
    /// <paramref name="timeout"/> seconds when given), adding them to <paramref name="into"/>; returns how many.</summary>
    public int PopMany(string queue, int max, Func<Receipt> newReceipt, Instant now, List<QueueEvent> events,
        List<MessageSnapshot> into, uint? timeout = null)
    {
        var target = AdvanceTo(queue, now, events);
        var taken = 0;
        while (taken < max && target.NextVisible is { } message)
        {
            Emit(new MessageReserved(queue, now, message.Id, newReceipt(), timeout), events);
            into.Add(message.Snapshot(withReceipt: true));
            taken++;
        }

        return taken;
    }

    /// <summary>True when a pop made now would find a message.</summary>
    public bool HasVisible(string queue, Instant now, List<QueueEvent> events) =>
        AdvanceTo(queue, now, events).NextVisible is not null;

    /// <summary>The instant something may next become visible in the queue by itself (a delay ending or a
    /// reservation running out), or null when nothing is pending.</summary>
    public Instant? NextChange(string queue)
    {
        var q = this[queue];
        Instant? next = q.FirstDelayed?.VisibleAt;
        // A reservation ends strictly after its last valid instant.
        if (q.FirstReservation is { } reserved && (next is null || reserved.ReservedUntil < next))
            next = reserved.ReservedUntil + Duration.Epsilon;
        return next;
    }

    /// <summary>Deletes a message in any state (SPEC §2.4); a given receipt must be the latest (§2.3).</summary>
    public MessageDecision Delete(string queue, Guid id, Receipt? receipt, Instant now, List<QueueEvent> events)
    {
        var target = AdvanceTo(queue, now, events);
        if (target.Find(id) is not { } message) return MessageDecision.Of(Outcome.MessageNotFound);
        if (receipt is { } r && message.LatestReceipt != r) return MessageDecision.Of(Outcome.StaleReceipt);
        var snapshot = message.Snapshot(withReceipt: false);
        Emit(new MessageDeleted(queue, now, id), events);
        return MessageDecision.Ok(snapshot);
    }

    /// <summary>Hands a valid reservation back (SPEC §2.3); an exhausted result leaves the queue.</summary>
    public Outcome Requeue(string queue, Guid id, Receipt? receipt, Instant now, List<QueueEvent> events)
    {
        var target = AdvanceTo(queue, now, events);
        var check = CheckReservation(target, id, receipt, now, out var message);
        if (check != Outcome.Ok) return check;
        Emit(new MessageRequeued(queue, now, id), events);
        if (message!.IsExhausted) Exhaust(target, message, DeadLetterReason.Requeued, now, events);
        return Outcome.Ok;
    }

    /// <summary>Extends a valid reservation from now, optionally with a new timeout; the receipt is kept.</summary>
    public MessageDecision Touch(string queue, Guid id, Receipt? receipt, uint? timeout, Instant now,
        List<QueueEvent> events)
    {
        var target = AdvanceTo(queue, now, events);
        var check = CheckReservation(target, id, receipt, now, out var message);
        if (check != Outcome.Ok) return MessageDecision.Of(check);
        Emit(new ReservationTouched(queue, now, id, timeout), events);
        return MessageDecision.Ok(message!.Snapshot(withReceipt: receipt is not null));
    }

    /// <summary>Removes every message of the queue (SPEC §2.8).</summary>
    public void Clear(string queue, Instant now, List<QueueEvent> events)
    {
        AdvanceTo(queue, now, events);
        Emit(new QueueCleared(queue, now), events);
    }

    /// <summary>Moves every unreserved message of the queue's dead-letter queue back into it with the queue's
    /// defaults (SPEC §2.7); null when the queue has no dead-letter queue.</summary>
    public int? Redrive(string queue, Instant now, List<QueueEvent> events)
    {
        var target = AdvanceTo(queue, now, events);
        if (target.Definition.DeadLetter is not { } deadLetter || !_queues.ContainsKey(deadLetter)) return null;
        var source = AdvanceTo(deadLetter, now, events);
        var moving = source.Unreserved();
        var d = target.Definition;
        foreach (var message in moving)
            Emit(new MessageRedriven(deadLetter, now, message.Id, queue, d.MaxTries, d.Timeout), events);
        return moving.Length;
    }

    /// <summary>The next message pop would return, not reserved.</summary>
    public MessageDecision Peek(string queue, Instant now, List<QueueEvent> events) =>
        AdvanceTo(queue, now, events).NextVisible is { } message
            ? MessageDecision.Ok(message.Snapshot(withReceipt: false))
            : MessageDecision.Of(Outcome.NoMessage);

    /// <summary>One message in any state.</summary>
    public MessageDecision Get(string queue, Guid id, Instant now, List<QueueEvent> events) =>
        AdvanceTo(queue, now, events).Find(id) is { } message
            ? MessageDecision.Ok(message.Snapshot(withReceipt: false))
            : MessageDecision.Of(Outcome.MessageNotFound);

    /// <summary>Counts by state as of <paramref name="now"/>.</summary>
    public QueueCounts Count(string queue, Instant now, List<QueueEvent> events)
    {
        var q = AdvanceTo(queue, now, events);
        return new QueueCounts(q.Size, q.VisibleCount, q.DelayedCount, q.InFlightCount, q.ExhaustedCount);
    }

    /// <summary>Counts, dead-letter queue and age of the oldest visible message (SPEC §3.2 stats).</summary>
    public QueueStats Stats(string queue, Instant now, List<QueueEvent> events)
    {
        var counts = Count(queue, now, events);
        var q = this[queue];
        var oldest = q.OldestVisibleAt is { } at ? (now - at).TotalSeconds : (double?)null;
        return new QueueStats(queue, counts, q.Definition.DeadLetter, oldest);
    }

    /// <summary>Brings every queue up to <paramref name="now"/>: ends delays and expired reservations.</summary>
    public void Tick(Instant now, List<QueueEvent> events)
    {
        foreach (var queue in _queues.Values.ToArray()) AdvanceTo(queue.Name, now, events);
    }

    /// <summary>The GC cycle (SPEC §2.6): finishes expired reservations and removes exhausted messages.</summary>
    public void CollectGarbage(Instant now, List<QueueEvent> events)
    {
        foreach (var queue in _queues.Values.ToArray())
        {
            AdvanceTo(queue.Name, now, events);
            foreach (var message in queue.Exhausted())
                Exhaust(queue, message, DeadLetterReason.NoTries, now, events);
        }
    }

    /// <summary>Ends delays and reservations that ran out by <paramref name="now"/> (SPEC §2.5), so every
    /// operation observes expiry at once, whatever the timers did.</summary>
    private Queue AdvanceTo(string name, Instant now, List<QueueEvent> events)
    {
        var queue = this[name];
        queue.Promote(now);
        // A replica decides nothing: reservations end when the primary's expiry events arrive.
        while (!FollowsPrimary && queue.FirstReservation is { } reserved && now > reserved.ReservedUntil)
        {
            Emit(new ReservationExpired(name, now, reserved.Id), events);
            if (reserved.IsExhausted) Exhaust(queue, reserved, DeadLetterReason.Expired, now, events);
        }

        return queue;
    }

    private static Outcome CheckReservation(Queue queue, Guid id, Receipt? receipt, Instant now, out Message? message)
    {
        message = queue.Find(id);
        if (message is null) return Outcome.MessageNotFound;
        var valid = message.IsValidlyReserved(now);
        if (receipt is { } r)
            return message.LatestReceipt == r && valid ? Outcome.Ok : Outcome.StaleReceipt;
        return valid ? Outcome.Ok : Outcome.MessageNotFound;
    }

    private void Exhaust(Queue queue, Message message, DeadLetterReason reason, Instant now, List<QueueEvent> events)
    {
        if (queue.Definition.DeadLetter is { } deadLetter && _queues.TryGetValue(deadLetter, out var target))
        {
            var d = target.Definition;
            Emit(new MessageDeadLettered(queue.Name, now, message.Id, deadLetter, reason, d.MaxTries, d.Timeout,
                d.Delay), events);
        }
        else
        {
            Emit(new MessageCollected(queue.Name, now, message.Id, reason), events);
        }
    }
}
