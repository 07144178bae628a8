namespace Spartan.Bench.Measure;

/// <summary>What one bounded phase did: messages moved, wall time, per-op latency, server CPU, errors.</summary>
internal sealed record PhaseResult(
    long Ops,
    long Messages,
    TimeSpan Elapsed,
    LatencyRecorder Latency,
    double? ServerCpuSeconds,
    long Errors,
    string? FirstError,
    bool Capped)
{
    /// <summary>The server's context switches during the phase (voluntary: a thread waited; involuntary: preempted).</summary>
    public (long Voluntary, long Involuntary)? ContextSwitches { get; init; }

    /// <summary>Server context switches (voluntary + involuntary) per message.</summary>
    public double? ContextSwitchesPerMessage =>
        ContextSwitches is { } c && Messages > 0 ? (double)(c.Voluntary + c.Involuntary) / Messages : null;

    public double MessagesPerSecond => Elapsed.TotalSeconds > 0 ? Messages / Elapsed.TotalSeconds : 0;

    /// <summary>Server CPU microseconds per message (all server threads, from /proc).</summary>
    public double? CpuMicrosPerMessage => ServerCpuSeconds is { } cpu && Messages > 0 ? cpu * 1e6 / Messages : null;
}
