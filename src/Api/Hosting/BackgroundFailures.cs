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

    [LoggerMessage(EventId = 90, Level = LogLevel.Error, Message = "Background job {Job} failed: {What}: {Reason}")]
    private static partial void LogFailed(ILogger logger, string job, string what, string reason);

    [LoggerMessage(EventId = 91, Level = LogLevel.Debug, Message = "Background job {Job} failed: {Reason}")]
    private static partial void LogQuiet(ILogger logger, string job, string reason);
}
