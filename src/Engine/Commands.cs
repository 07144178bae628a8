using NodaTime;
using Spartan.Domain;
using Spartan.Domain.Events;

namespace Spartan.Engine;

internal sealed class PushCommand(string queue, PushRequest request) : Command<Guid>
{
    public override string? Queue => queue;

    protected override Guid Decide(QueueSet state, Instant now, List<QueueEvent> events) =>
        state.Push(queue, request, now, events);
}

internal sealed class DeleteCommand(string queue, Guid id, Receipt? receipt) : Command<MessageDecision>
{
    public override string? Queue => queue;

    protected override MessageDecision Decide(QueueSet state, Instant now, List<QueueEvent> events) =>
        state.Delete(queue, id, receipt, now, events);
}

internal sealed class RequeueCommand(string queue, Guid id, Receipt? receipt) : Command<Outcome>
{
    public override string? Queue => queue;

    protected override Outcome Decide(QueueSet state, Instant now, List<QueueEvent> events) =>
        state.Requeue(queue, id, receipt, now, events);
}

internal sealed class TouchCommand(string queue, Guid id, Receipt? receipt, uint? timeout) : Command<MessageDecision>
{
    public override string? Queue => queue;

    protected override MessageDecision Decide(QueueSet state, Instant now, List<QueueEvent> events) =>
        state.Touch(queue, id, receipt, timeout, now, events);
}

internal sealed class ClearCommand(string queue) : Command<bool>
{
    public override string? Queue => queue;

    protected override bool Decide(QueueSet state, Instant now, List<QueueEvent> events)
    {
        state.Clear(queue, now, events);
        return true;
    }
}

internal sealed class PeekCommand(string queue) : Command<MessageDecision>
{
    public override string? Queue => queue;

    public override bool Reads => true;

    protected override MessageDecision Decide(QueueSet state, Instant now, List<QueueEvent> events) =>
        state.Peek(queue, now, events);
}

internal sealed class GetCommand(string queue, Guid id) : Command<MessageDecision>
{
    public override string? Queue => queue;

    public override bool Reads => true;

    protected override MessageDecision Decide(QueueSet state, Instant now, List<QueueEvent> events) =>
        state.Get(queue, id, now, events);
}

internal sealed class CountCommand(string queue) : Command<QueueCounts>
{
    public override string? Queue => queue;

    public override bool Reads => true;

    protected override QueueCounts Decide(QueueSet state, Instant now, List<QueueEvent> events) =>
        state.Count(queue, now, events);
}

/// <summary>Brings every queue up to the clock (ends expired reservations), or runs a GC cycle.</summary>
internal sealed class MaintenanceCommand(bool collectGarbage) : Command<int>
{
    protected override int Decide(QueueSet state, Instant now, List<QueueEvent> events)
    {
        var before = events.Count;
        if (collectGarbage) state.CollectGarbage(now, events);
        else state.Tick(now, events);
        return events.Count - before;
    }
}

internal sealed class PushManyCommand(string queue, PushRequest[] requests) : Command<Guid[]>
{
    public override string? Queue => queue;

    protected override Guid[] Decide(QueueSet state, Instant now, List<QueueEvent> events)
    {
        var ids = new Guid[requests.Length];
        for (var i = 0; i < requests.Length; i++) ids[i] = state.Push(queue, requests[i], now, events);
        return ids;
    }
}

internal sealed class DeleteManyCommand(string queue, Guid[] ids, Receipt?[]? receipts) : Command<BatchDeleteOutcome>
{
    public override string? Queue => queue;

    protected override BatchDeleteOutcome Decide(QueueSet state, Instant now, List<QueueEvent> events)
    {
        var result = new BatchDeleteOutcome(new List<Guid>(ids.Length), [], []);
        for (var i = 0; i < ids.Length; i++)
        {
            var outcome = state.Delete(queue, ids[i], receipts?[i], now, events).Outcome;
            (outcome switch
            {
                Outcome.Ok => result.Deleted,
                Outcome.StaleReceipt => result.Stale,
                _ => result.NotFound,
            }).Add(ids[i]);
        }

        return result;
    }
}

/// <summary>What a batch delete did to each id: deleted, not held by the queue, or held under a newer receipt.</summary>
public readonly record struct BatchDeleteOutcome(List<Guid> Deleted, List<Guid> NotFound, List<Guid> Stale);

internal sealed class RedriveCommand(string queue) : Command<int?>
{
    public override string? Queue => queue;

    protected override int? Decide(QueueSet state, Instant now, List<QueueEvent> events) =>
        state.Redrive(queue, now, events);
}

internal sealed class StatsCommand(IReadOnlyList<string> queues) : Command<QueueStats[]>
{
    public override bool Reads => true;

    protected override QueueStats[] Decide(QueueSet state, Instant now, List<QueueEvent> events)
    {
        // A queue named by the caller may have been deleted meanwhile: it is left out, never a fault of the loop.
        var stats = new List<QueueStats>(queues.Count);
        foreach (var queue in queues)
            if (state.Contains(queue)) stats.Add(state.Stats(queue, now, events));
        return [.. stats];
    }
}

/// <summary>Pops up to <c>count</c> messages, parking the consumer for up to <c>wait</c> when none is visible.</summary>
internal sealed class PopWaitCommand(string queue, int count, Duration wait, uint? timeout, CancellationToken aborted) : Command
{
    public override string? Queue => queue;

    private static readonly Func<Receipt> NewReceipt = static () => new Receipt(Guid.NewGuid());
    private readonly TaskCompletionSource<IReadOnlyList<MessageSnapshot>> _done =
        new(TaskCreationOptions.RunContinuationsAsynchronously);
    private List<MessageSnapshot>? _result;

    public Task<IReadOnlyList<MessageSnapshot>> Task => _done.Task;

    public override void Execute(CommitBatch batch)
    {
        batch.Waits.ServeFirst(queue, batch, batch.Served);
        var messages = new List<MessageSnapshot>(Math.Min(count, 16));
        batch.State.PopMany(queue, count, NewReceipt, batch.Now, batch.Events, messages, timeout);
        if (messages.Count > 0 || wait <= Duration.Zero || batch.Waits.Released || aborted.IsCancellationRequested)
            _result = messages;
        else // parked: the wait registry answers through the same completion source once served or timed out
            batch.Waits.Park(new Waiter(batch.Waits, queue, count, batch.Now + wait, _done, aborted, timeout));
    }

    public override void Complete()
    {
        if (_result is not null) _done.TrySetResult(_result);
    }

    public override void Fail(Exception error) => _done.TrySetException(error);
}

/// <summary>Does nothing itself: it makes the loop run a batch, which serves parked consumers and ends waits.</summary>
internal sealed class WakeCommand : Command<bool>
{
    public override bool Reads => true;

    protected override bool Decide(QueueSet state, Instant now, List<QueueEvent> events) => true;
}

/// <summary>What a replica made of a frame of its primary's events: the sequence it has applied, and why it
/// stopped early when an event could not be applied (the session is then dropped; nothing invalid was applied).</summary>
public readonly record struct ReplicatedOutcome(long Applied, string? Problem);

/// <summary>A replica applies its primary's events, keeping their sequence numbers: the loop numbers this batch's
/// events on from its last, and only events that follow it are applied, so the numbers match. Each event is checked
/// against the state before it is applied, so a corrupt or forged stream is refused without ever faulting the loop.</summary>
internal sealed class ApplyReplicatedCommand(IReadOnlyList<SequencedEvent> events) : Command<ReplicatedOutcome>
{
    private ReplicatedOutcome _outcome;

    public override bool FollowerRuns => true;

    public override void Execute(CommitBatch batch)
    {
        var next = batch.CommittedSequence + batch.Events.Count + 1;
        string? problem = null;
        foreach (var (sequence, e) in events)
        {
            if (sequence < next) continue; // already applied: a resend after a reconnect
            problem = sequence != next
                ? $"event {sequence} does not follow {next - 1}"
                : batch.State.Refusal(e) is { } refusal ? $"event {sequence} does not apply: {refusal}" : null;
            if (problem is not null) break;
            batch.State.Apply(e);
            batch.Events.Add(e);
            next++;
        }

        _outcome = new ReplicatedOutcome(next - 1, problem);
        base.Execute(batch);
    }

    protected override ReplicatedOutcome Decide(QueueSet state, Instant now, List<QueueEvent> events) => _outcome;
}

/// <summary>Writes a replica's acknowledged position, or with no sequence removes it (a store write, so on the loop);
/// decides no event. A refused write keeps the older position, which only makes compaction keep more.</summary>
internal sealed class RecordPositionCommand(string replica, long? sequence) : Command
{
    public override bool Reads => true;

    public override void Execute(CommitBatch batch)
    {
        try
        {
            if (sequence is { } position) batch.Store.Positions?.Write(replica, position);
            else batch.Store.Positions?.Remove(replica);
        }
        catch (StorageUnavailableException)
        {
            // The store takes no writes now; the next acknowledgement writes a newer position anyway.
        }
    }

    public override void Complete()
    {
    }

    public override void Fail(Exception error)
    {
    }
}

/// <summary>Runs an action once its batch is committed (a read: it decides nothing), given the committed sequence and
/// the number of messages held, both as the store now holds them.</summary>
internal sealed class BoundaryCommand<T>(Func<long, long, T> action) : Command
{
    private readonly TaskCompletionSource<T> _done = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private CommitBatch? _batch;

    public Task<T> Task => _done.Task;

    public override bool Reads => true;

    public override void Execute(CommitBatch batch) => _batch = batch;

    public override void Complete()
    {
        if (_batch is not { } batch) return;
        try
        {
            long messages = 0;
            foreach (var queue in batch.State.Queues) messages += queue.Size;
            _done.TrySetResult(action(batch.CommittedSequence, messages));
        }
        catch (Exception error)
        {
            _done.TrySetException(error);
        }
    }

    public override void Fail(Exception error) => _done.TrySetException(error);
}
