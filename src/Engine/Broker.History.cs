using Microsoft.Extensions.Logging;
using Spartan.Domain;

namespace Spartan.Engine;

// The node's history identity (SPEC §7) and the commands that replace or rewind what the store holds. All of them run
// on the commit loop, the store's only writer; the history is published to readers on other threads (the replication
// sessions) once it is written. Replacing or rewinding the store holds the rebase gate, which a snapshot written off the
// loop holds too, so that a snapshot captured before the store's content changed is never written after it.
public sealed partial class Broker
{
    private readonly Lock _rebaseGate = new();
    private History _history;
    private long _lineage; // how many times the store's content was replaced or rewound; changed by the loop, under the gate
    private bool _epochPending;
    private long? _pendingEpochNumber; // the number etcd gave an epoch still pending (cluster mode)

    /// <summary>The node's history id and epochs, as its store holds them.</summary>
    public History History => Volatile.Read(ref _history);

    /// <summary>The lowest sequence this node can go back to and rebuild its state from its own store: where its
    /// snapshot ends when it keeps the events after it (log mode), else where it stands.</summary>
    public long RewindFloor
    {
        get
        {
            var committed = CommittedSequence;
            if (_store.Recovery is null) return committed;
            var floor = Math.Max(_store.Snapshots?.CoveredSequence ?? 0, _log.FirstSequence - 1);
            return Math.Min(committed, floor);
        }
    }

    /// <summary>Begins this writer's epoch (SPEC §7: every start of a node that takes writes, every promotion) at the
    /// next sequence; answers it, or null while the store takes no writes — it is then begun, before any write, as soon
    /// as the store takes writes again.</summary>
    public Task<Epoch?> BeginEpochAsync() => Enqueue(new BeginEpochCommand(this));

    /// <summary>A replica records its primary's history (id and epochs) for the events it holds; nothing is written
    /// when it holds that history already. Throws <see cref="StorageUnavailableException"/> when the store refused it.</summary>
    public Task<bool> AdoptHistoryAsync(History history) => Enqueue(new AdoptHistoryCommand(this, history));

    /// <summary>A replica drops every event after <paramref name="sequence"/> (they diverge from its primary's history),
    /// rebuilds its state from its store, and records <paramref name="adopt"/>; answers the sequence it now holds.
    /// Throws <see cref="InvalidOperationException"/> when it cannot go back that far (nothing changed), and
    /// <see cref="StorageUnavailableException"/> when the store refused the write.</summary>
    public Task<long> TruncateAfterAsync(long sequence, History adopt) => Enqueue(new TruncateCommand(this, sequence, adopt));

    /// <summary>A replica replaces its whole state and its store's content by its primary's snapshot, then records
    /// <paramref name="adopt"/> when given; answers the sequence it now holds. Throws
    /// <see cref="StorageUnavailableException"/> when the store refused it, leaving the state as it was.</summary>
    public Task<long> InstallSnapshotAsync(StateImage image, History? adopt) => Enqueue(new InstallSnapshotCommand(this, image, adopt));

    /// <summary>Captures the state on the loop, then hands it to <paramref name="persist"/> off the loop (writing it as
    /// the store's snapshot, folding the log) — unless the store's content was replaced or rewound in between (a
    /// replica's snapshot install or truncation): then nothing is persisted and the answer is null. No such change
    /// happens while <paramref name="persist"/> runs, so it must not wait for the loop.</summary>
    public async Task<StateImage?> CaptureAndPersistAsync(Action<StateImage> persist)
    {
        ArgumentNullException.ThrowIfNull(persist);
        var (image, lineage) = await CaptureWithLineageAsync();
        return PersistIfCurrent(image, lineage, persist);
    }

    /// <summary>The state, and the store's lineage it belongs to.</summary>
    internal Task<(StateImage Image, long Lineage)> CaptureWithLineageAsync() => Enqueue(new LineageCaptureCommand(this));

    /// <summary>Runs <paramref name="persist"/> unless the store's content changed since <paramref name="lineage"/>.</summary>
    internal StateImage? PersistIfCurrent(StateImage image, long lineage, Action<StateImage> persist)
    {
        lock (_rebaseGate)
        {
            if (_lineage != lineage) return null;
            persist(image);
            return image;
        }
    }

    private Task<T> Enqueue<T>(StoreCommand<T> command)
    {
        if (!Add(command)) command.Fail(Stopped());
        return command.Task;
    }

    /// <summary>Loop only: writes a new epoch beginning at <paramref name="start"/>, or leaves it pending (and the node
    /// read-only) while the store takes no writes, so no event of this writer is stored outside an epoch.</summary>
    private bool TryBeginEpoch(long start, out Epoch epoch, long? number = null)
    {
        if (number is null && _epochPending) number = _pendingEpochNumber;
        var history = _history.Begin(start, out epoch, number);
        if (_log.Writable)
        {
            try
            {
                _store.History.Write(history);
                Volatile.Write(ref _history, history);
                _epochPending = false;
                _pendingEpochNumber = null;
                LogEpoch(_logger, epoch, history.ShortId);
                return true;
            }
            catch (StorageUnavailableException)
            {
                // The store now refuses writes; it says why below.
            }
        }

        _epochPending = true;
        _pendingEpochNumber = number;
        if (!_readOnly) EnterReadOnly(_log.UnwritableReason);
        return false;
    }

    /// <summary>Loop only: records <paramref name="history"/> as the node's.</summary>
    private void Record(History history)
    {
        if (_history.SameAs(history)) return;
        _store.History.Write(history);
        Volatile.Write(ref _history, history);
    }

    [LoggerMessage(EventId = 30, Level = LogLevel.Information, Message = "Began {Epoch} of history {History}")]
    private static partial void LogEpoch(ILogger logger, Epoch epoch, string history);

    /// <summary>A command that acts on the store instead of deciding events: it sets its answer, or the reason it was
    /// refused, while it executes, and both are delivered once its batch is committed.</summary>
    private abstract class StoreCommand<T>(bool reads) : Command
    {
        private readonly TaskCompletionSource<T> _done = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private T _result = default!;
        private Exception? _refused;

        public Task<T> Task => _done.Task;

        public override bool Reads => reads;

        // The history and the store's content are the replication session's to change on a follower.
        public override bool FollowerRuns => true;

        public sealed override void Execute(CommitBatch batch) => _result = Run(batch);

        protected abstract T Run(CommitBatch batch);

        /// <summary>Answers the caller with <paramref name="reason"/>; the loop goes on.</summary>
        protected T Refuse(Exception reason)
        {
            _refused = reason;
            return default!;
        }

        public sealed override void Complete()
        {
            if (_refused is not null) _done.TrySetException(_refused);
            else _done.TrySetResult(_result);
        }

        public sealed override void Fail(Exception error) => _done.TrySetException(error);
    }

    /// <summary>Runs even while the store refuses writes (it decides no event): it then leaves the epoch pending.</summary>
    private sealed class BeginEpochCommand(Broker broker) : StoreCommand<Epoch?>(reads: true)
    {
        protected override Epoch? Run(CommitBatch batch) =>
            broker.TryBeginEpoch(batch.CommittedSequence + batch.Events.Count + 1, out var epoch) ? epoch : null;
    }

    private sealed class AdoptHistoryCommand(Broker broker, History history) : StoreCommand<bool>(reads: false)
    {
        protected override bool Run(CommitBatch batch)
        {
            if (broker._history.SameAs(history)) return false;
            try
            {
                broker.Record(history);
                return true;
            }
            catch (StorageUnavailableException refused)
            {
                return Refuse(refused);
            }
        }
    }

    private sealed class TruncateCommand(Broker broker, long after, History adopt) : StoreCommand<long>(reads: false)
    {
        protected override long Run(CommitBatch batch)
        {
            if (batch.Events.Count > 0) return Refuse(new InvalidOperationException("Events were decided in the batch of a truncation."));
            if (after < batch.CommittedSequence)
            {
                if (broker._store.Recovery is not { } recovery)
                    return Refuse(new InvalidOperationException($"This node keeps no event log: it cannot go back to {after}."));
                lock (broker._rebaseGate)
                {
                    broker._lineage++;
                    try
                    {
                        broker._log.TruncateAfter(after);
                    }
                    catch (Exception error) when (error is InvalidOperationException or StorageUnavailableException)
                    {
                        return Refuse(error); // nothing was removed
                    }

                    // Memory still holds the dropped events: read back what the store now holds, as after a refused write.
                    var rebuilt = recovery.Rebuild(batch.State);
                    if (rebuilt != after)
                        throw new InvalidOperationException($"After dropping the events after {after}, the store holds events up to {rebuilt}.");
                    batch.RebaseTo = after;
                }
            }

            try
            {
                broker.Record(adopt);
            }
            catch (StorageUnavailableException refused)
            {
                return Refuse(refused); // the next session finds the older history and decides again
            }

            return Math.Min(after, batch.CommittedSequence);
        }
    }

    /// <summary>The store is rewritten first: refused (a full disk), nothing changes and the caller hears why.</summary>
    private sealed class InstallSnapshotCommand(Broker broker, StateImage image, History? adopt) : StoreCommand<long>(reads: false)
    {
        protected override long Run(CommitBatch batch)
        {
            if (batch.Events.Count > 0) return Refuse(new InvalidOperationException("Events were decided in the batch of a snapshot install."));
            lock (broker._rebaseGate)
            {
                broker._lineage++;
                try
                {
                    batch.Store.Snapshots?.ReplaceAll(image);
                }
                catch (StorageUnavailableException refused)
                {
                    return Refuse(refused);
                }

                batch.State.Restore(image);
                batch.RebaseTo = image.Sequence;
            }

            try
            {
                // After the snapshot, never before: a crash in between leaves the snapshot under the older history,
                // which only costs another snapshot, never events of one history under the other's id.
                if (adopt is not null) broker.Record(adopt);
            }
            catch (StorageUnavailableException refused)
            {
                return Refuse(refused);
            }

            return image.Sequence;
        }
    }

    /// <summary>Copies the whole state at a batch boundary, the freeze of a snapshot (encoding and writing happen off the
    /// loop), and notes the store's lineage. The image covers every event committed before it, and those of its own batch
    /// decided before it.</summary>
    private sealed class LineageCaptureCommand(Broker broker) : StoreCommand<(StateImage Image, long Lineage)>(reads: true)
    {
        protected override (StateImage Image, long Lineage) Run(CommitBatch batch) =>
            (batch.State.Capture(batch.CommittedSequence + batch.Events.Count) with { TakenAt = batch.Now }, broker._lineage);
    }
}
