using Spartan.Domain;
using Spartan.Domain.Events;

namespace Spartan.Engine;

/// <summary>An event with its global sequence number (SPEC §6): the unit the log stores and replicas tail.</summary>
public readonly record struct SequencedEvent(long Sequence, QueueEvent Event);

/// <summary>Where committed events go (the engine's port to a store). The commit loop is its only writer: it calls
/// <see cref="Append"/> once per batch, on its own thread, and answers no client of that batch before it returns, so an
/// implementation decides what a 200 promises. Reads may come from any thread.</summary>
public interface IEventLog
{
    /// <summary>The highest sequence number stored (or covered by the snapshot), 0 for an empty store.</summary>
    long LastSequence { get; }

    /// <summary>The lowest sequence still readable, or <see cref="LastSequence"/> + 1 when none is (a log that keeps
    /// no events, or one folded away): a replica behind it needs a snapshot.</summary>
    long FirstSequence { get; }

    /// <summary>Stores one batch, in order, as one write (group commit); returns once it is as durable as the store
    /// promises. Throws <see cref="StorageUnavailableException"/> when the store refused it.</summary>
    void Append(IReadOnlyList<SequencedEvent> batch);

    /// <summary>Up to <paramref name="limit"/> stored events from <paramref name="fromInclusive"/> on, in order; events
    /// folded away are skipped, so the first returned may be later than asked.</summary>
    IReadOnlyList<SequencedEvent> Read(long fromInclusive, int limit);

    /// <summary>Removes every stored event after <paramref name="sequence"/> in one durable write, so the log numbers on
    /// from it (a replica dropping events that diverge from its primary's history; the commit loop only). Throws
    /// <see cref="InvalidOperationException"/> when the store cannot go back that far (the events are folded into a
    /// snapshot, or it keeps none), <see cref="StorageUnavailableException"/> when the store refused the write.</summary>
    void TruncateAfter(long sequence);

    /// <summary>False while the store refuses writes (a failed write, a full disk) until it is reopened.</summary>
    bool Writable { get; }

    /// <summary>Why the store takes no writes, or null when it does.</summary>
    string? UnwritableReason { get; }
}

/// <summary>The snapshot of a node: the whole state at a sequence (SPEC §6).</summary>
public interface ISnapshotStore
{
    /// <summary>The last sequence the stored snapshot covers, 0 when there is none.</summary>
    long CoveredSequence { get; }

    /// <summary>The stored snapshot, or null.</summary>
    StateImage? Read();

    /// <summary>Replaces the stored snapshot by <paramref name="image"/> in one synced write (an older image than the
    /// stored one is ignored).</summary>
    void Write(StateImage image);

    /// <summary>Makes <paramref name="image"/> the whole content of the store: the snapshot, and an empty log numbering on
    /// from its sequence (a replica installing its primary's snapshot; only the commit loop calls it).</summary>
    void ReplaceAll(StateImage image);
}

/// <summary>The history identity of a data folder (SPEC §7): its history id and epochs, in its metadata. Written by the
/// commit loop only (a writer beginning an epoch, a replica adopting its primary's); read from any thread.</summary>
public interface IHistoryStore
{
    History Read();

    /// <summary>Replaces the stored history in one durable write; throws <see cref="StorageUnavailableException"/> when
    /// the store refused it.</summary>
    void Write(History history);
}

/// <summary>The last sequence each replica acknowledged, kept so that compaction keeps the events they still need.</summary>
public interface IReplicaPositions
{
    IReadOnlyDictionary<string, long> Read();

    void Write(string replica, long sequence);

    void Remove(string replica);
}

/// <summary>Puts the commit loop's state back to what the store holds after a write the store refused (SPEC §6):
/// memory already holds the refused batch, and it is never undone by hand.</summary>
public interface IStoreRecovery
{
    /// <summary>Replaces <paramref name="state"/> by the fold of the store's snapshot and log; returns the sequence of
    /// the last event it covers. Throws when the store cannot be read.</summary>
    long Rebuild(QueueSet state);
}

/// <summary>Told about every committed batch, on the commit loop: keep it cheap (metrics, replication signal).</summary>
public interface ICommitObserver
{
    void Committed(IReadOnlyList<SequencedEvent> events, TimeSpan writeTime);
}

/// <summary>The store the engine runs on, port by port; a node in memory has a log that keeps nothing, a history in
/// memory, and no others.</summary>
/// <param name="Log">Where committed events go.</param>
/// <param name="Snapshots">The snapshot blobs, when the node keeps any.</param>
/// <param name="Positions">Replica positions, when the node keeps an event log for them.</param>
/// <param name="Recovery">How to read the state back after a refused write or a truncation; without one, such a failure
/// stops the loop and the node cannot drop a divergent suffix.</param>
/// <param name="History">The folder's history id and epochs; a new one in memory when the node keeps none.</param>
public sealed record EngineStore(IEventLog Log, ISnapshotStore? Snapshots = null, IReplicaPositions? Positions = null,
    IStoreRecovery? Recovery = null, IHistoryStore? History = null)
{
    /// <summary>The folder's history id and epochs.</summary>
    public IHistoryStore History { get; init; } = History ?? new MemoryHistoryStore();


    /// <summary>A node that keeps nothing: events are numbered, applied and forgotten.</summary>
    public static EngineStore InMemory(long lastSequence = 0) => new(new TransientEventLog(lastSequence));
}

/// <summary>The log of in-memory and snapshot modes: events are numbered but not kept (snapshot mode keeps the state
/// instead, every <c>timer</c> seconds and at shutdown).</summary>
public sealed class TransientEventLog(long lastSequence = 0) : IEventLog
{
    private long _last = lastSequence;

    public long LastSequence => Volatile.Read(ref _last);

    public long FirstSequence => LastSequence + 1;

    public bool Writable => true;

    public string? UnwritableReason => null;

    public void Append(IReadOnlyList<SequencedEvent> batch)
    {
        if (batch.Count > 0) Volatile.Write(ref _last, batch[^1].Sequence);
    }

    public IReadOnlyList<SequencedEvent> Read(long fromInclusive, int limit) => [];

    /// <summary>Keeps no event, so it can only "truncate" at or after its last sequence.</summary>
    public void TruncateAfter(long sequence)
    {
        if (sequence < LastSequence)
            throw new InvalidOperationException($"This node keeps no event log: it cannot go back from {LastSequence} to {sequence}.");
    }
}

/// <summary>A history kept in memory: a node without persistence makes a new one at each start.</summary>
/// <remarks>Written by the commit loop only; read from any thread.</remarks>
public sealed class MemoryHistoryStore(History? history = null) : IHistoryStore
{
    private History _history = history ?? History.New();

    public History Read() => Volatile.Read(ref _history);

    public void Write(History history) => Volatile.Write(ref _history, history);
}

