using Spartan.Storage;

namespace Spartan.Api.Hosting;

/// <summary>Runs the broker's commit loop for the life of the host.</summary>
/// <remarks>The host stops Kestrel (draining requests in flight) before hosted services, so the loop still answers
/// every request that was accepted; parked long polls are answered (no message) when the stop begins. If the loop faults (the store failed), the node stops with exit code 1
/// rather than serve from memory it can no longer make durable.</remarks>
public sealed partial class BrokerService(Broker broker, NodeMetrics metrics, IHostApplicationLifetime lifetime,
    ILogger<BrokerService> logger)
    : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        broker.AddObserver(metrics);
        broker.Start();
        // Long polls may park for 20 s; release them as soon as the stop begins, not after Kestrel's drain timeout.
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
