using System.Diagnostics.CodeAnalysis;
using BenchmarkDotNet.Attributes;
using Spartan.Domain;
using Spartan.Engine;

namespace Spartan.Benchmarks;

/// <summary>The engine driven directly, with no HTTP: one caller awaiting each command of the commit loop (<see cref="Broker"/>),
/// over each store the server can run on. What a request costs below Kestrel and FastEndpoints.</summary>
/// <remarks>Not sealed: BenchmarkDotNet derives a runner type from it. Each benchmark awaits its command before the next,
/// so every command is its own batch (group commit does not help); <see cref="Push16Concurrent"/> shows what it does
/// when 16 callers are in flight.</remarks>
[MemoryDiagnoser]
[Config(typeof(EngineJobConfig))]
[SuppressMessage("Design", "CA1001", Justification = "BenchmarkDotNet owns the lifetime: [GlobalCleanup] disposes what [GlobalSetup] made.")]
public class EngineBenchmarks
{
    /// <summary>Invocations per iteration (see <see cref="EngineJobConfig"/>).</summary>
    public const int Operations = 1024;
    private const string Queue = EngineHost.Queue;
    private const int Concurrency = 16;
    private static readonly MessageBody Body = new string('x', 100);
    private readonly PushRequest[] _batch = new PushRequest[100];
    private readonly Task<Guid>[] _concurrent = new Task<Guid>[Concurrency];
    private EngineHost? _host;

    /// <summary><c>memory</c>: the transient log of memory and snapshot modes; <c>rocks-never</c> / <c>rocks-always</c>:
    /// log mode on RocksDB in a temp folder, <c>fsync = "never"</c> / <c>"always"</c>.</summary>
    [Params("memory", "rocks-never", "rocks-always")]
    public string Store { get; set; } = "memory";

    [GlobalSetup]
    public void Setup() => _host = new EngineHost(Store);

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        if (_host is not null) await _host.DisposeAsync();
    }

    /// <summary>Empties the queue after every iteration, so each starts from the same state.</summary>
    [IterationCleanup]
    public void Empty() => Engine.ClearAsync(Queue).GetAwaiter().GetResult();

    /// <summary>Queues the messages <see cref="PopDelete"/> takes in the iteration (batches of 100, unmeasured).</summary>
    [IterationSetup(Target = nameof(PopDelete))]
    public void Fill()
    {
        for (var pushed = 0; pushed < Operations; pushed += _batch.Length)
        {
            NewBatch();
            Engine.PushManyAsync(Queue, _batch).GetAwaiter().GetResult();
        }
    }

    [Benchmark(Baseline = true, Description = "push")]
    public Task<Guid> Push() => Engine.PushAsync(Queue, NewRequest());

    [Benchmark(Description = "pop + delete")]
    public async Task PopDelete()
    {
        var popped = await Engine.PopWaitAsync(Queue, 1, TimeSpan.Zero, CancellationToken.None);
        if (popped.Count != 1) throw new InvalidOperationException("the iteration setup queued too few messages");
        await Engine.DeleteAsync(Queue, popped[0].Id, popped[0].Receipt);
    }

    /// <summary>One command of 100 pushes: one batch, one write.</summary>
    [Benchmark(Description = "push batch of 100", OperationsPerInvoke = 100)]
    public Task<Guid[]> PushBatch100()
    {
        NewBatch();
        return Engine.PushManyAsync(Queue, _batch);
    }

    /// <summary>16 pushes in flight at once: the loop takes what is queued as one batch (group commit).</summary>
    [Benchmark(Description = "push, 16 in flight", OperationsPerInvoke = Concurrency)]
    public Task Push16Concurrent()
    {
        for (var i = 0; i < _concurrent.Length; i++) _concurrent[i] = Engine.PushAsync(Queue, NewRequest());
        return Task.WhenAll(_concurrent);
    }

    private Broker Engine => _host?.Broker ?? throw new InvalidOperationException("GlobalSetup did not run");

    private static PushRequest NewRequest() => new(Guid.NewGuid(), Body, null, null, null, null, null, null);

    private void NewBatch()
    {
        for (var i = 0; i < _batch.Length; i++) _batch[i] = NewRequest();
    }
}
