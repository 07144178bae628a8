using Spartan.Api.Configuration;
using Spartan.Engine;

namespace Spartan.Api.Hosting;

/// <summary>Runs the commit loop for the life of the node, with every commit observer (metrics, the replication ring) in
/// place before it starts; a node that takes writes (primary or standalone) begins its epoch there (SPEC §7), before
/// replication and the HTTP server start.</summary>
/// <remarks>Long polls are released as soon as the stop begins, not after Kestrel's drain timeout. If the loop faults (the
/// store can no longer be read or an invariant broke), the node stops with exit code 1 rather than serve from memory it
/// cannot make durable.</remarks>
public sealed partial class CommitLoopPart(Broker broker, IEnumerable<ICommitObserver> observers, SpartanConfig config,
    IHostApplicationLifetime lifetime, ILogger<CommitLoopPart> logger) : INodePart
{
    public string Name => "commit loop";

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var observer in observers) broker.AddObserver(observer);
        broker.Start();
        lifetime.ApplicationStopping.Register(() => _ = broker.ReleaseWaitersAsync());
        _ = broker.Faulted.ContinueWith(fault =>
        {
            LogStopping(logger, fault.Result.Message);
            Environment.ExitCode = 1;
            lifetime.StopApplication();
        }, CancellationToken.None, TaskContinuationOptions.OnlyOnRanToCompletion, TaskScheduler.Default);
        // A replica takes its primary's epochs; a writer begins its own (or, on a full disk, as soon as it can write).
        // A cluster node does both when etcd makes it the primary (ClusterHost).
        if (config.Replication?.Mode is ReplicationMode.Replica or ReplicationMode.Cluster) return;
        await broker.BeginEpochAsync();
        // SPEC §10: the declared queues' settings win over stored ones; the difference is recorded as events, so that
        // replay and replicas agree. On a full disk this fails, and the node serves what it has read-only.
        try
        {
            var recorded = await broker.DeclareQueuesAsync([.. QueueDefinitions.From(config)]);
            if (recorded > 0) LogDeclared(logger, recorded);
        }
        catch (StorageUnavailableException error)
        {
            LogNotDeclared(logger, error.Message);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => broker.StopAsync();

    [LoggerMessage(EventId = 31, Level = LogLevel.Information, Message = "Recorded {Count} declared queue(s) the store lacked or held with other settings")]
    private static partial void LogDeclared(ILogger logger, int count);

    [LoggerMessage(EventId = 32, Level = LogLevel.Warning, Message = "The declared queues could not be recorded ({Reason}); the stored settings apply until the next start")]
    private static partial void LogNotDeclared(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Critical, Message = "Stopping: the store failed ({Reason})")]
    private static partial void LogStopping(ILogger logger, string reason);
}
