using Spartan.Engine;

namespace Spartan.Api.Hosting;

/// <summary>Runs the commit loop for the life of the node, with every commit observer (metrics, the replication ring) in
/// place before it starts.</summary>
/// <remarks>Long polls are released as soon as the stop begins, not after Kestrel's drain timeout. If the loop faults (the
/// store can no longer be read or an invariant broke), the node stops with exit code 1 rather than serve from memory it
/// cannot make durable.</remarks>
public sealed partial class CommitLoopPart(Broker broker, IEnumerable<ICommitObserver> observers, IHostApplicationLifetime lifetime,
    ILogger<CommitLoopPart> logger) : INodePart
{
    public string Name => "commit loop";

    public Task StartAsync(CancellationToken cancellationToken)
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
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => broker.StopAsync();

    [LoggerMessage(Level = LogLevel.Critical, Message = "Stopping: the store failed ({Reason})")]
    private static partial void LogStopping(ILogger logger, string reason);
}
