using System.Diagnostics.CodeAnalysis;
using BenchmarkDotNet.Attributes;
using Spartan.Domain;
using Spartan.Engine;

namespace Spartan.Benchmarks;

/// <summary>What deleting a queue costs the commit loop (SPEC §10, ADR 0013): one batch whatever the queue holds, measured
/// against one push (one group commit) on the same loop. The HTTP view, with other queues under load while the delete
/// runs, is the bench's <c>deletequeue</c> command.</summary>
[Config(typeof(SingleShotConfig))]
[SuppressMessage("Design", "CA1001", Justification = "BenchmarkDotNet owns the lifetime: [GlobalCleanup] disposes what [GlobalSetup] made.")]
public class QueueDeleteBenchmarks
{
    private const string Queue = EngineHost.Queue;
    private const string Big = "big";
    private const int FillBatch = 1000;
    private static readonly MessageBody Body = new string('x', 100);
    private readonly PushRequest[] _batch = new PushRequest[FillBatch];
    private EngineHost? _host;

    /// <summary>As in <see cref="EngineBenchmarks.Store"/>.</summary>
    [Params("memory", "rocks-always")]
    public string Store { get; set; } = "memory";

    /// <summary>Messages in the queue that is deleted.</summary>
    [Params(1_000, 100_000)]
    public int Depth { get; set; }

    [GlobalSetup]
    public void Setup() => _host = new EngineHost(Store);

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        if (_host is not null) await _host.DisposeAsync();
    }

    /// <summary>A runtime queue of <see cref="Depth"/> messages for <see cref="DeleteQueue"/> to remove (unmeasured); the
    /// same before <see cref="PushAfterFill"/>, which tells the delete's own cost from the after-effects of this setup.</summary>
    [IterationSetup(Targets = [nameof(DeleteQueue), nameof(PushAfterFill)])]
    public void Fill()
    {
        Engine.CreateQueueAsync(Big, QueueSettings.None, 10).GetAwaiter().GetResult();
        for (var pushed = 0; pushed < Depth; pushed += FillBatch)
        {
            for (var i = 0; i < _batch.Length; i++) _batch[i] = new PushRequest(Guid.NewGuid(), Body, null, null, null, null, null, null);
            Engine.PushManyAsync(Big, _batch).GetAwaiter().GetResult();
        }

        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
    }

    [IterationCleanup(Target = nameof(Push))]
    public void Empty() => Engine.ClearAsync(Queue).GetAwaiter().GetResult();

    [IterationCleanup(Target = nameof(PushAfterFill))]
    public void Remove()
    {
        Engine.DeleteQueueAsync(Big).GetAwaiter().GetResult();
        Empty();
    }

    [Benchmark(Baseline = true, Description = "push (one group commit)")]
    public Task<Guid> Push() => Engine.PushAsync(Queue, new PushRequest(Guid.NewGuid(), Body, null, null, null, null, null, null));

    [Benchmark(Description = "push, right after the fill")]
    public Task<Guid> PushAfterFill() => Push();

    [Benchmark(Description = "delete the queue")]
    public async Task DeleteQueue()
    {
        var deleted = await Engine.DeleteQueueAsync(Big);
        if (deleted.Removed != Depth) throw new InvalidOperationException($"deleted {deleted.Removed} messages, not {Depth}");
    }

    private Broker Engine => _host?.Broker ?? throw new InvalidOperationException("GlobalSetup did not run");
}
