using Spartan.Api.Configuration;
using Spartan.Engine;
using Spartan.Storage;

namespace Spartan.Api.Hosting;

/// <summary>Log mode with <c>compaction = true</c> (SPEC §6): folds the recovered log into a fresh snapshot and removes
/// the folded events (keeping those a replica still needs), once, right after startup.</summary>
/// <remarks>It runs after the server is listening, so a restart is not delayed by writing the snapshot: the commit loop
/// pauses only to copy the state (<see cref="Broker.CaptureAndPersistAsync"/>); events appended meanwhile follow the image's
/// sequence and are kept. On a replica, a snapshot install or truncation waits for a fold in progress, and a fold whose
/// capture one of them made stale is skipped. It starts after the commit loop and stops before it, so a graceful stop waits for it while the
/// loop still runs. A failure is logged; the log stays whole and the next start folds it.</remarks>
public sealed partial class CompactionJob(NodeStorage storage, Broker broker, TimeProvider time, BackgroundFailures failures,
    ILogger<CompactionJob> logger) : INodePart
{
    public string Name => "compaction";

    private Task _running = Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (storage.Persistence is { Mode: PersistenceMode.Log, Compaction: true } && storage.Store is { } store)
            _running = Task.Run(async () =>
            {
                try
                {
                    CompactionResult? compacted = null;
                    // Skipped when a replica's snapshot install or truncation came after the capture: the fold would
                    // write a state the store no longer holds, and remove events it now needs.
                    await broker.CaptureAndPersistAsync(image => compacted = Compaction.Run(store, image, time,
                        progress => LogProgress(logger, progress.Step, progress.Done, progress.Total)));
                    if (compacted is null) LogSkipped(logger);
                    else LogCompacted(logger, compacted.EventsRemoved, compacted.SnapshotSequence, (long)compacted.Elapsed.TotalMilliseconds);
                }
                catch (Exception error)
                {
                    failures.Report("compaction", "folding the log at startup (the log stays whole; the next start folds it)", error);
                }
            }, CancellationToken.None);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => _running;

    [LoggerMessage(EventId = 12, Level = LogLevel.Information,
        Message = "Compacted the event log: {Events} events folded into the snapshot at sequence {Sequence} in {Milliseconds} ms")]
    private static partial void LogCompacted(ILogger logger, long events, long sequence, long milliseconds);

    [LoggerMessage(EventId = 13, Level = LogLevel.Information,
        Message = "Skipped compacting the event log: the primary replaced or rewound this replica's store meanwhile; the next start folds it")]
    private static partial void LogSkipped(ILogger logger);

    [LoggerMessage(EventId = 19, Level = LogLevel.Information, Message = "Compacting the event log: {Step}, {Done} of {Total} done")]
    private static partial void LogProgress(ILogger logger, string step, long done, long total);

}
