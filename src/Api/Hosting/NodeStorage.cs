using Spartan.Api.Configuration;
using Spartan.Domain;
using Spartan.Engine;
using Spartan.Storage;
using Spartan.Storage.Rocks;

namespace Spartan.Api.Hosting;

/// <summary>The state and the event log a node starts with, per its <c>[persistence]</c> (SPEC §6): in memory;
/// snapshot mode (recovered from the last snapshot, events numbered but not kept); log mode (recovered from snapshot
/// plus log, every event written before its 200; folded by <see cref="CompactionJob"/> once serving).</summary>
/// <remarks>Opened once while the host starts, before the commit loop exists. A folder that is locked, damaged or of
/// an unknown format throws <see cref="StoreException"/>, and the node refuses to start rather than start empty over
/// data. Disposed by the container after the broker (which it outlives), so no write races the close.</remarks>
public sealed partial class NodeStorage : IDisposable
{
    private NodeStorage(QueueSet state, IEventLog log, RocksStore? store, PersistenceConfig? persistence)
    {
        State = state;
        Store = store;
        Persistence = persistence;
        // Log mode: events, snapshots, replica positions, the history and read-back after a refused write or a
        // truncation all live in the folder. Snapshot mode: events are numbered and forgotten; the history and a
        // replica's installed snapshot still go to the folder. In memory: a history of its own at each start.
        Engine = store is null ? new EngineStore(log)
            : log == store.EventLog ? new EngineStore(log, store.Snapshots, store, new RocksRecovery(store), store)
            : new EngineStore(log, store.Snapshots, History: store);
    }

    public QueueSet State { get; }
    public RocksStore? Store { get; }
    public PersistenceConfig? Persistence { get; }

    /// <summary>The engine's ports onto this storage.</summary>
    public EngineStore Engine { get; }

    /// <summary>How the startup line names the storage.</summary>
    public static string Describe(PersistenceConfig? persistence) => persistence switch
    {
        null => "in memory",
        { Mode: PersistenceMode.Snapshot } => $"snapshot every {persistence.TimerSeconds} s",
        _ => $"log, fsync {(persistence.Fsync == FsyncPolicy.Always ? "always" : "never")}",
    };

    public static NodeStorage Open(SpartanConfig config, TimeProvider time, ILogger<NodeStorage> logger)
    {
        var declared = QueueDefinitions.From(config).ToArray();
        if (config.Persistence is not { } persistence)
            return new NodeStorage(new QueueSet(declared), new TransientEventLog(), null, null);

        var log = persistence.Mode == PersistenceMode.Log;
        var store = RocksStore.OpenReadWrite(persistence.Path, syncEvents: log && persistence.Fsync == FsyncPolicy.Always);
        try
        {
            var recovered = Storage.Recovery.Run(store, declared, time,
                progress => LogProgress(logger, persistence.Path, progress.Step, progress.Done, progress.Total));
            LogRecovered(logger, recovered.MessagesRestored, recovered.EventsReplayed, persistence.Path,
                (long)recovered.Elapsed.TotalMilliseconds, recovered.SnapshotSequence);
            if (recovered.UndeclaredQueues.Count > 0) LogRuntimeQueues(logger, recovered.UndeclaredQueues.Count, persistence.Path);
            if (store.UnwritableReason is { } reason) LogStartingReadOnly(logger, reason);
            else DropFormerDestinations(config, store, logger);

            IEventLog events = log ? store.EventLog : new TransientEventLog(recovered.LastSequence);
            return new NodeStorage(recovered.State, events, store, persistence);
        }
        catch
        {
            store.Dispose();
            throw;
        }
    }

    public void Dispose() => Store?.Dispose();

    /// <summary>SPEC §7: a position kept for a replica that is no longer a <c>destination</c> is dropped before the log is
    /// compacted, so the log never grows for a replica that is gone.</summary>
    private static void DropFormerDestinations(SpartanConfig config, RocksStore store, ILogger logger)
    {
        var destinations = config.Replication is { Mode: ReplicationMode.Primary, Primary: { } primary }
            ? primary.Destinations.ToHashSet(StringComparer.OrdinalIgnoreCase)
            : [];
        foreach (var (destination, position) in store.ReadReplicaPositions())
        {
            if (destinations.Contains(destination)) continue;
            store.RemoveReplicaPosition(destination);
            LogDroppedPosition(logger, destination, position);
        }
    }

    [LoggerMessage(EventId = 10, Level = LogLevel.Information,
        Message = "Recovered {Messages} messages and replayed {Events} events from {Path} in {Milliseconds} ms (snapshot at sequence {Snapshot})")]
    private static partial void LogRecovered(ILogger logger, long messages, long events, string path, long milliseconds, long snapshot);

    [LoggerMessage(EventId = 18, Level = LogLevel.Information, Message = "Recovering {Path}: {Step}, {Done} of {Total} done")]
    private static partial void LogProgress(ILogger logger, string path, string step, long done, long total);

    [LoggerMessage(EventId = 9, Level = LogLevel.Warning,
        Message = "Dropped the replication position of {Destination} (sequence {Position}): it is no longer a destination, so the log is no longer kept for it")]
    private static partial void LogDroppedPosition(ILogger logger, string destination, long position);

    [LoggerMessage(EventId = 14, Level = LogLevel.Error,
        Message = "Starting read-only: {Reason}. Reads are served; writes answer 503 until space is freed, checked every 5 s")]
    private static partial void LogStartingReadOnly(ILogger logger, string reason);

    [LoggerMessage(EventId = 11, Level = LogLevel.Information,
        Message = "Restored {Count} runtime queue(s) from {Path}: created through the API, or declared once and no longer in the configuration")]
    private static partial void LogRuntimeQueues(ILogger logger, int count, string path);

}
