using Spartan.Domain;
using Spartan.Engine;
using Spartan.Storage.Rocks;

namespace Spartan.Storage;

/// <summary>What recovery rebuilt and how long it took.</summary>
/// <param name="State">The queues, declared ones first, then any met only in the data.</param>
/// <param name="LastSequence">The sequence of the last event the state includes; the commit loop numbers on from it.</param>
/// <param name="SnapshotSequence">The sequence the loaded snapshot covered, 0 without one.</param>
/// <param name="MessagesRestored">Messages held by all queues once recovered.</param>
/// <param name="EventsReplayed">Events applied after the snapshot.</param>
/// <param name="Elapsed">Time spent reading and applying.</param>
/// <param name="UndeclaredQueues">Queues present in the data but not declared: runtime queues (SPEC §10), kept and
/// served with their stored settings.</param>
public sealed record RecoveryResult(
    QueueSet State,
    long LastSequence,
    long SnapshotSequence,
    long MessagesRestored,
    long EventsReplayed,
    TimeSpan Elapsed,
    IReadOnlyList<string> UndeclaredQueues)
{
    /// <summary>When the loaded snapshot was captured, when known.</summary>
    public NodaTime.Instant? SnapshotTakenAt { get; init; }
}

/// <summary>Rebuilds the state of a node from its data folder: the snapshot, then every later event in order.</summary>
/// <remarks>Runs once, before the commit loop starts, on the thread that opens the node; it only reads, so it also
/// serves inspection. Failure: a gap in the log, a value that does not decode or an event that does not apply
/// throws <see cref="StoreException"/>, and the node must not start (SPEC §6).</remarks>
public static class Recovery
{
    private const int Page = 4096;

    /// <param name="store">The folder to read.</param>
    /// <param name="declared">The declared queues, created first.</param>
    /// <param name="time">Measures the duration and paces <paramref name="progress"/>.</param>
    /// <param name="progress">Told how far the replay is, at least every 5 s while it runs.</param>
    public static RecoveryResult Run(RocksStore store, IReadOnlyCollection<QueueDefinition> declared, TimeProvider time,
        Action<StepProgress>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(declared);
        ArgumentNullException.ThrowIfNull(time);
        var started = time.GetTimestamp();
        var state = new QueueSet(declared);
        var (last, snapshot, replayed) = Fold(store, state, new ProgressClock(time, progress));
        return new RecoveryResult(state, last, snapshot?.Sequence ?? 0,
            CountMessages(state), replayed, time.GetElapsedTime(started), Undeclared(state, declared))
        {
            SnapshotTakenAt = snapshot?.TakenAt,
        };
    }

    /// <summary>Replaces <paramref name="state"/> by the store's content (a running node whose write was refused).</summary>
    /// <returns>The sequence of the last event the state now covers.</returns>
    public static long Into(RocksStore store, QueueSet state)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(state);
        return Fold(store, state, ProgressClock.None).Last;
    }

    private static (long Last, StateImage? Snapshot, long Replayed) Fold(RocksStore store, QueueSet state, ProgressClock progress)
    {
        var snapshot = store.Snapshots.Read();
        var snapshotSequence = snapshot?.Sequence ?? 0;
        Restore(store, state, snapshot ?? new StateImage(0, []));

        var expected = snapshotSequence + 1;
        long replayed = 0;
        var last = store.EventLog.LastSequence;
        while (expected <= last)
        {
            var page = store.EventLog.Read(expected, Page);
            if (page.Count == 0) break;
            foreach (var (sequence, e) in page)
            {
                if (sequence != expected)
                    throw new StoreException(
                        $"The data folder {store.Path} is damaged: the event log jumps from {expected - 1} to {sequence}.");
                try
                {
                    state.Apply(e);
                }
                catch (Exception error) when (error is InvalidOperationException or ArgumentException)
                {
                    throw new StoreException(
                        $"The data folder {store.Path} is damaged: event {sequence} does not apply ({error.Message}).", error);
                }

                expected++;
                replayed++;
            }

            progress.Tick("replaying the event log", replayed, last - snapshotSequence);

            if (page.Count < Page) break;
        }

        return (Math.Max(expected - 1, snapshotSequence), snapshot, replayed);
    }

    private static void Restore(RocksStore store, QueueSet state, StateImage snapshot)
    {
        try
        {
            state.Restore(snapshot);
        }
        catch (InvalidOperationException error)
        {
            throw new StoreException($"The data folder {store.Path} is damaged: its snapshot does not load ({error.Message}).", error);
        }
    }

    private static long CountMessages(QueueSet state)
    {
        long count = 0;
        foreach (var queue in state.Queues) count += queue.Size;
        return count;
    }

    private static string[] Undeclared(QueueSet state, IReadOnlyCollection<QueueDefinition> declared)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var definition in declared) names.Add(definition.Name);
        var undeclared = new List<string>();
        foreach (var queue in state.Queues)
            if (!names.Contains(queue.Name)) undeclared.Add(queue.Name);
        return [.. undeclared];
    }
}

/// <summary>The RocksDB side of <see cref="IStoreRecovery"/>: the state is read back from the folder.</summary>
public sealed class RocksRecovery(RocksStore store) : IStoreRecovery
{
    public long Rebuild(QueueSet state) => Recovery.Into(store, state);
}
