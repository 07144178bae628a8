using Spartan.Domain;
using Spartan.Domain.Events;

namespace Spartan.Storage;

/// <summary>An event with its global sequence number (SPEC §6): the unit the log stores and replicas tail.</summary>
public readonly record struct SequencedEvent(long Sequence, QueueEvent Event);

/// <summary>Where committed events go. The commit loop calls <see cref="AppendAsync"/> once per batch and
/// answers no client of that batch before it returns, so an implementation decides what a 200 promises.</summary>
public interface IEventLog
{
    /// <summary>The highest sequence number already stored, or 0 for an empty log.</summary>
    long LastSequence { get; }

    /// <summary>True when every append waits for the disk (<c>fsync = "always"</c>): the commit loop then blocks
    /// in each append, so it gets a thread of its own instead of a pool worker.</summary>
    bool SyncsEachWrite { get; }

    /// <summary>Stores one batch, in order, as one write (group commit). Throws when the store failed.</summary>
    ValueTask AppendAsync(IReadOnlyList<SequencedEvent> batch, CancellationToken cancellationToken);

    /// <summary>False while the store refuses writes (a failed write, a full disk) until it is reopened.</summary>
    bool Writable { get; }

    /// <summary>Why the store takes no writes, or null when it does.</summary>
    string? UnwritableReason { get; }
}

/// <summary>Puts the commit loop's state back to what the store holds after a write the store refused (SPEC §6):
/// memory already holds the refused batch, and it is never undone by hand.</summary>
public interface IStoreRecovery
{
    /// <summary>Replaces <paramref name="state"/> by the fold of the store's snapshot and log; returns the sequence of
    /// the last event it covers. Throws when the store cannot be read.</summary>
    long Rebuild(QueueSet state);
}

/// <summary>The log of in-memory and snapshot modes: events are numbered but not kept (snapshot mode keeps the state
/// instead, every <c>timer</c> seconds and at shutdown).</summary>
public sealed class TransientEventLog(long lastSequence = 0) : IEventLog
{
    public long LastSequence { get; private set; } = lastSequence;

    public bool SyncsEachWrite => false;

    public bool Writable => true;

    public string? UnwritableReason => null;

    public ValueTask AppendAsync(IReadOnlyList<SequencedEvent> batch, CancellationToken cancellationToken)
    {
        if (batch.Count > 0) LastSequence = batch[^1].Sequence;
        return ValueTask.CompletedTask;
    }
}
