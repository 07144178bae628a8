using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace Spartan.Benchmarks;

/// <summary>One job for every engine benchmark: in process, a fixed number of operations per iteration, few iterations.</summary>
/// <remarks>
/// In process: BenchmarkDotNet's default toolchain builds a generated project under bin/, which would inherit the
/// repository's Directory.Build.props (warnings as errors, analyzers) and fail on generated code; the engine needs no
/// runtime comparison, so in-process is enough.
/// <see cref="EngineBenchmarks.Operations"/> invocations per iteration with an unroll factor of 1: pop + delete needs that
/// many messages queued by an iteration setup, and each iteration ends with the queue cleared so that no run measures a
/// queue grown by the previous ones. With <c>fsync = always</c> one operation is one synced write (~0.1–1 ms), so the
/// counts stay small: a full run takes a few minutes.
/// </remarks>
internal static class EngineConfig
{
    /// <summary>BenchmarkDotNet's defaults (loggers, exporters, columns, analysers) with the engine job.</summary>
    public static IConfig Create() => ManualConfig.Create(DefaultConfig.Instance)
        .AddJob(Job.Default
            .WithToolchain(InProcessEmitToolchain.Instance)
            .WithWarmupCount(3)
            .WithIterationCount(10)
            .WithInvocationCount(EngineBenchmarks.Operations)
            .WithUnrollFactor(1))
        .AddColumn(StatisticColumn.Median, StatisticColumn.P95)
        .WithOptions(ConfigOptions.JoinSummary);
}
