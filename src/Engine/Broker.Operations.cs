using NodaTime;
using Spartan.Domain;

namespace Spartan.Engine;

public sealed partial class Broker
{
    public Task<Guid> PushAsync(string queue, PushRequest request) => Submit(new PushCommand(queue, request));

    /// <summary>Pushes every request as one atomic write, in order.</summary>
    public Task<Guid[]> PushManyAsync(string queue, PushRequest[] requests) => Submit(new PushManyCommand(queue, requests));

    /// <summary>Reserves up to <paramref name="count"/> visible messages; with none visible, parks the caller for up
    /// to <paramref name="wait"/> (long polling) and answers as soon as one becomes visible. An empty answer means
    /// the wait ended with nothing; a cancelled <paramref name="aborted"/> withdraws the caller, reserving nothing.</summary>
    /// <param name="queue">The queue.</param>
    /// <param name="count">How many messages at most.</param>
    /// <param name="wait">How long to wait for one when none is visible.</param>
    /// <param name="aborted">The client went away.</param>
    /// <param name="timeout">How long these reservations last instead of the messages' own timeout (pop's
    /// <c>?timeout=S</c>, SQS's VisibilityTimeout); null for their own.</param>
    public Task<IReadOnlyList<MessageSnapshot>> PopWaitAsync(string queue, int count, TimeSpan wait, CancellationToken aborted,
        uint? timeout = null)
    {
        var command = new PopWaitCommand(queue, count, Duration.FromTimeSpan(wait), timeout, aborted);
        if (!Add(command)) command.Fail(Stopped());
        return command.Task;
    }

    public Task<MessageDecision> DeleteAsync(string queue, Guid id, Receipt? receipt) =>
        Submit(new DeleteCommand(queue, id, receipt));

    /// <summary>Deletes every message as one write; with <paramref name="receipts"/> (one per id, null for none), a
    /// message whose latest receipt is another is left alone and listed as stale (SPEC §2.3).</summary>
    public Task<BatchDeleteOutcome> DeleteManyAsync(string queue, Guid[] ids, Receipt?[]? receipts = null) =>
        Submit(new DeleteManyCommand(queue, ids, receipts));

    public Task<Outcome> RequeueAsync(string queue, Guid id, Receipt? receipt) =>
        Submit(new RequeueCommand(queue, id, receipt));

    public Task<MessageDecision> TouchAsync(string queue, Guid id, Receipt? receipt, uint? timeout) =>
        Submit(new TouchCommand(queue, id, receipt, timeout));

    public Task<bool> ClearAsync(string queue) => Submit(new ClearCommand(queue));

    public Task<MessageDecision> PeekAsync(string queue) => Submit(new PeekCommand(queue));

    public Task<MessageDecision> GetAsync(string queue, Guid id) => Submit(new GetCommand(queue, id));

    public Task<QueueCounts> CountAsync(string queue) => Submit(new CountCommand(queue));

    public Task<QueueStats[]> StatsAsync(IReadOnlyList<string> queues) => Submit(new StatsCommand(queues));

    /// <summary>Moves the dead letters of <paramref name="queue"/> back into it; null when it has no dead-letter queue.</summary>
    public Task<int?> RedriveAsync(string queue) => Submit(new RedriveCommand(queue));

    /// <summary>A copy of the whole state at a batch boundary, for a snapshot; the loop pauses only to copy.</summary>
    public async Task<StateImage> CaptureAsync() => (await CaptureWithLineageAsync()).Image;

    /// <summary>Runs <paramref name="action"/> on the loop right after a batch is committed, before the next one is
    /// decided: the store then holds exactly the state, which is at the sequence and holds the number of messages the
    /// action is given. For work that needs both to agree (a backup); the loop waits for it, so keep it short.</summary>
    public Task<T> AtCommitBoundaryAsync<T>(Func<long, long, T> action)
    {
        var command = new BoundaryCommand<T>(action);
        if (!Add(command)) command.Fail(Stopped());
        return command.Task;
    }

    /// <summary>A copy of the state once the loop has stopped (the final snapshot of a graceful stop).</summary>
    public StateImage CaptureStopped() => _thread is not null && !_stopped.Task.IsCompleted
        ? throw new InvalidOperationException("The commit loop still runs.")
        : _state.Capture(CommittedSequence) with { TakenAt = Instant.FromDateTimeOffset(_time.GetUtcNow()) };

    /// <summary>A replica applies its primary's events in order, skipping those it already has; answers the
    /// sequence it has applied once they are committed to its own store.</summary>
    public Task<ReplicatedOutcome> ApplyReplicatedAsync(IReadOnlyList<SequencedEvent> events) =>
        Submit(new ApplyReplicatedCommand(events));

    /// <summary>Records, on the loop, that <paramref name="replica"/> holds every event up to <paramref name="sequence"/>
    /// (so compaction keeps what it still needs); a store that takes no writes keeps the older position.</summary>
    public void RecordReplicaPosition(string replica, long sequence)
    {
        if (_store.Positions is null) return;
        Add(new RecordPositionCommand(replica, sequence));
    }

    /// <summary>Forgets the position of a replica this node no longer streams to (a cluster member that left), so the
    /// log is not kept for it.</summary>
    public void ForgetReplicaPosition(string replica)
    {
        if (_store.Positions is null) return;
        Add(new RecordPositionCommand(replica, null));
    }

    /// <summary>Ends reservations that ran out in every queue; returns how many events that took.</summary>
    public Task<int> TickAsync() => Submit(new MaintenanceCommand(collectGarbage: false));

    /// <summary>Runs one GC cycle (SPEC §2.6); returns how many events it took.</summary>
    public Task<int> CollectGarbageAsync() => Submit(new MaintenanceCommand(collectGarbage: true));
}
