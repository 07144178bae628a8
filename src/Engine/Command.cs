using NodaTime;
using Spartan.Domain;
using Spartan.Domain.Events;

namespace Spartan.Engine;

/// <summary>What a command sees while the commit loop executes it: the state, the batch's instant, the events
/// decided so far in the batch, and the consumers parked for messages.</summary>
internal sealed class CommitBatch(QueueSet state, WaitRegistry waits, EngineStore store)
{
    public QueueSet State { get; } = state;
    public WaitRegistry Waits { get; } = waits;

    /// <summary>The store's ports, for the few commands that write more than events (a replica's snapshot, positions).</summary>
    public EngineStore Store { get; } = store;
    public List<QueueEvent> Events { get; } = [];
    public Instant Now { get; set; }

    /// <summary>Parked consumers this batch served, answered once it is committed.</summary>
    public List<(Waiter Waiter, IReadOnlyList<MessageSnapshot> Messages)> Served { get; } = [];

    /// <summary>The sequence of the last committed event before this batch.</summary>
    public long CommittedSequence { get; set; }

    /// <summary>Set by a command that replaced the whole state (a replica installing a snapshot): the sequence the
    /// new state covers, from which the loop numbers on.</summary>
    public long? RebaseTo { get; set; }
}

/// <summary>One queue operation travelling through the commit loop: decided and applied in the loop, answered
/// only after the batch it belongs to is committed.</summary>
internal abstract class Command
{
    /// <summary>True for a command that never decides an event (a read): the only kind a store that refuses writes
    /// still serves. Commands write unless they say otherwise, so a new one is never served by mistake.</summary>
    public virtual bool Reads => false;

    /// <summary>True for what a node that follows a primary still runs (cluster mode, SPEC §13): reads, and what applies
    /// the primary's stream. Everything else would decide events of its own there, so it is refused.</summary>
    public virtual bool FollowerRuns => Reads;

    /// <summary>The queue the command acts on, or null for one that acts on none or on several: the loop answers 404
    /// for a queue deleted since the request was admitted, instead of executing it.</summary>
    public virtual string? Queue => null;

    public abstract void Execute(CommitBatch batch);
    public abstract void Complete();
    public abstract void Fail(Exception error);
}

/// <summary>A command whose answer is a <typeparamref name="T"/>.</summary>
internal abstract class Command<T> : Command
{
    // Continuations run on the thread pool, never inline on the commit loop that completes them.
    private readonly TaskCompletionSource<T> _done = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private T _result = default!;

    public Task<T> Task => _done.Task;

    public override void Execute(CommitBatch batch) => _result = Decide(batch.State, batch.Now, batch.Events);

    protected abstract T Decide(QueueSet state, Instant now, List<QueueEvent> events);

    public sealed override void Complete() => _done.TrySetResult(_result);

    public sealed override void Fail(Exception error) => _done.TrySetException(error);
}
