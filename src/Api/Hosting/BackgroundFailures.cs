using Prometheus;

namespace Spartan.Api.Hosting;

/// <summary>Where background work reports a failure (SPEC §8): a failed snapshot, compaction, maintenance run or replication
/// task is an Error line in the log and a count in <c>spartan_background_failures_total{job}</c>, never silence.</summary>
public sealed partial class BackgroundFailures(NodeMetrics metrics, ILogger<BackgroundFailures> logger)
{
    private readonly Counter _failures = metrics.Factory.CreateCounter("spartan_background_failures_total",
        "Failures of background work (snapshots, compaction, maintenance, replication tasks), by job.", ["job"]);

    /// <summary>Logs <paramref name="error"/> at Error with what it stopped, and counts it.</summary>
    public void Report(string job, string what, Exception error)
    {
        _failures.WithLabels(job).Inc();
        LogFailed(logger, job, what, error.Message);
    }

    /// <summary>Counts a failure that is expected while the store takes no writes (logged at Debug: the store already says
    /// so once, and it would repeat every second).</summary>
    public void ReportQuietly(string job, Exception error)
    {
        _failures.WithLabels(job).Inc();
        LogQuiet(logger, job, error.Message);
    }

    /// <summary>Waits up to 10 s for a background task that was told to stop: a task that takes longer is logged and left,
    /// one that ends with an unexpected error is reported under <paramref name="job"/>.</summary>
    public async Task AwaitStopAsync(string job, string task, Task running)
    {
        try
        {
            await running.WaitAsync(TimeSpan.FromSeconds(10), CancellationToken.None);
        }
        catch (TimeoutException)
        {
            LogSlowStop(logger, task);
        }
        catch (Exception error) when (error is not OperationCanceledException)
        {
            Report(job, task, error);
        }
    }

    [LoggerMessage(EventId = 55, Level = LogLevel.Warning, Message = "{Task} did not stop within 10 s; leaving it")]
    private static partial void LogSlowStop(ILogger logger, string task);

    [LoggerMessage(EventId = 90, Level = LogLevel.Error, Message = "Background job {Job} failed: {What}: {Reason}")]
    private static partial void LogFailed(ILogger logger, string job, string what, string reason);

    [LoggerMessage(EventId = 91, Level = LogLevel.Debug, Message = "Background job {Job} failed: {Reason}")]
    private static partial void LogQuiet(ILogger logger, string job, string reason);
}
