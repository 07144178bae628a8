using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace Spartan.Benchmarks;

/// <summary>What every benchmark run shares: BenchmarkDotNet's defaults (loggers, exporters, columns, analysers), the
/// median and p95 columns, one summary. Each benchmark class names its job with a <c>[Config]</c> attribute.</summary>
/// <remarks>
/// In process: BenchmarkDotNet's default toolchain builds a generated project under bin/, which would inherit the
/// repository's Directory.Build.props (warnings as errors, analyzers) and fail on generated code; the engine needs no
/// runtime comparison, so in-process is enough.
/// </remarks>
internal static class EngineConfig
{
    public static IConfig Create() => ManualConfig.Create(DefaultConfig.Instance)
        .AddColumn(StatisticColumn.Median, StatisticColumn.P95)
        .WithOptions(ConfigOptions.JoinSummary);
}

/// <summary>The job of <see cref="EngineBenchmarks"/>: <see cref="EngineBenchmarks.Operations"/> invocations per
/// iteration with an unroll factor of 1, few iterations.</summary>
/// <remarks>Pop + delete needs that many messages queued by an iteration setup, and each iteration ends with the queue
/// cleared so that no run measures a queue grown by the previous ones. With <c>fsync = always</c> one operation is one
/// synced write (~0.1–1 ms), so the counts stay small: a full run takes a few minutes.</remarks>
public sealed class EngineJobConfig : ManualConfig
{
    public EngineJobConfig() => AddJob(Job.Default
        .WithToolchain(InProcessEmitToolchain.Instance)
        .WithWarmupCount(3)
        .WithIterationCount(10)
        .WithInvocationCount(EngineBenchmarks.Operations)
        .WithUnrollFactor(1));
}

/// <summary>One invocation per iteration, for an operation whose setup (a queue of 100 000 messages) can serve only one.</summary>
public sealed class SingleShotConfig : ManualConfig
{
    public SingleShotConfig() => AddJob(Job.Default
        .WithToolchain(InProcessEmitToolchain.Instance)
        .WithWarmupCount(2)
        .WithIterationCount(15)
        .WithInvocationCount(1)
        .WithUnrollFactor(1));
}
