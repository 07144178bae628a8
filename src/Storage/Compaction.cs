using RocksDbSharp;
using Spartan.Domain;
using Spartan.Engine;
using Spartan.Storage.Rocks;

namespace Spartan.Storage;

/// <summary>What a compaction did.</summary>
/// <param name="SnapshotSequence">The sequence the fresh snapshot covers.</param>
/// <param name="RemovedThrough">Events up to this sequence are gone (0 when none was removed).</param>
/// <param name="EventsRemoved">How many events were removed.</param>
/// <param name="Elapsed">Time spent writing the snapshot and removing the events.</param>
public sealed record CompactionResult(long SnapshotSequence, long RemovedThrough, long EventsRemoved, TimeSpan Elapsed);

/// <summary>Folds the event log into a fresh snapshot and removes the folded events that no replica still needs
/// (SPEC §6 log mode, <c>compaction = true</c>).</summary>
/// <remarks>Runs at startup, after <see cref="Recovery"/> and before the commit loop starts, so nothing changes the
/// state it captures. The snapshot is synced before any event is removed, so a crash in between loses nothing.
/// Failure: any RocksDB error throws; the folder then still holds the old or the new snapshot with every event the
/// other one needs, and the next start recovers from it.</remarks>
public static class Compaction
{
    /// <param name="store">The read-write store.</param>
    /// <param name="state">The recovered state; it must include every event up to <paramref name="lastSequence"/>.</param>
    /// <param name="lastSequence">The sequence of the last event in <paramref name="state"/>.</param>
    /// <param name="time">Measures the duration.</param>
    public static CompactionResult Run(RocksStore store, QueueSet state, long lastSequence, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(state);
        if (lastSequence != store.EventLog.LastSequence)
            throw new ArgumentOutOfRangeException(nameof(lastSequence), lastSequence,
                $"Compaction folds the whole log, whose last sequence is {store.EventLog.LastSequence}.");
        return Run(store, state.Capture(lastSequence), time);
    }

    /// <summary>Folds the log up to the image's sequence; events appended after it (a running server) are kept.</summary>
    /// <param name="store">The read-write store.</param>
    /// <param name="image">The state at some committed sequence, captured by the commit loop.</param>
    /// <param name="time">Measures the duration.</param>
    /// <param name="progress">Told how far the removal of folded events is, at least every 5 s while it runs.</param>
    public static CompactionResult Run(RocksStore store, StateImage image, TimeProvider time, Action<StepProgress>? progress = null) =>
        Run(store, image, time, progress, DefaultSlice);

    /// <summary>As the public overload, removing <c>slice</c> events per step (tests use small slices).</summary>
    internal static CompactionResult Run(RocksStore store, StateImage image, TimeProvider time, Action<StepProgress>? progress,
        long slice)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(time);
        store.ThrowIfReadOnly();
        var started = time.GetTimestamp();
        var lastSequence = image.Sequence;
        store.Snapshots.Write(image);

        var upTo = lastSequence;
        foreach (var position in store.ReadReplicaPositions().Values) upTo = Math.Min(upTo, position);
        var first = store.EventLog.FirstSequence;
        // Stored sequences are contiguous from the first one kept, so the count needs no scan of the log.
        var removed = upTo > 0 ? Math.Max(0, upTo - first + 1) : 0;
        var clock = new ProgressClock(time, progress);
        // Removed in slices, so a large log reports progress and no single native call runs for minutes.
        for (var from = first; from <= first + removed - 1; from += slice)
        {
            var to = Math.Min(from + slice - 1, upTo);
            RemoveThrough(store, from, to);
            clock.Tick("removing folded events", to - first + 1, removed);
        }

        return new CompactionResult(lastSequence, removed > 0 ? upTo : 0, removed, time.GetElapsedTime(started));
    }

    private const long DefaultSlice = 262_144;

    private static void RemoveThrough(RocksStore store, long from, long to)
    {
        var start = Keys.Number(from);
        var end = Keys.Number(to + 1);
        using (var write = new WriteBatch())
        using (var lease = store.Lease())
        {
            write.DeleteRange(start, (ulong)start.Length, end, (ulong)end.Length, lease.Handle.Events);
            store.Write(write, store.SyncedWrite);
        }

        // Range deletions only hide keys; compacting the range frees their space now rather than later.
        using (var lease = store.Lease()) lease.Db.CompactRange(start, end, lease.Handle.Events);
    }
}
