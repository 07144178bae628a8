using Spartan.Domain;
using Spartan.Engine;
using Spartan.Replication.Primary;
using Spartan.Replication.Replica;
using Spartan.Replication.Tests.Links;
using Spartan.Storage;
using Spartan.Storage.Rocks;

namespace Spartan.Replication.Tests.Pipes;

/// <summary>A node's commit loop over its store — in memory, or a RocksDB folder recovered as a node opens it (log
/// mode) — as a primary (it begins its epoch) or a replica (it decides nothing by time). Stopped on dispose.</summary>
internal sealed class TestNode : IAsyncDisposable
{
    private TestNode(Broker broker, RocksStore? store, RetainedEvents? retained)
    {
        Broker = broker;
        Store = store;
        Retained = retained;
    }

    public Broker Broker { get; }

    /// <summary>The folder's store, for a node in one.</summary>
    public RocksStore? Store { get; }

    /// <summary>A primary's ring of recent events, tailed by its replicator.</summary>
    public RetainedEvents? Retained { get; }

    public static TestNode InMemory(TimeProvider time, bool replica, int retained = 1 << 16) =>
        Start(Declared(), EngineStore.InMemory(), null, time, replica, retained);

    /// <summary>A node on the folder at <paramref name="path"/> (made when absent), recovered as a node starts.</summary>
    public static TestNode InFolder(string path, TimeProvider time, bool replica)
    {
        var store = RocksStore.OpenReadWrite(path, syncEvents: false);
        var recovered = Recovery.Run(store, Definitions(), time);
        var engine = new EngineStore(store.EventLog, store.Snapshots, store, new RocksRecovery(store), store);
        return Start(recovered.State, engine, store, time, replica, 1 << 16);
    }

    public async ValueTask DisposeAsync()
    {
        await Broker.StopAsync();
        Store?.Dispose();
    }

    /// <summary>Pushes <paramref name="count"/> messages to <c>q</c>, one event each; returns their ids.</summary>
    public async Task<Guid[]> PushAsync(int count, string prefix)
    {
        var requests = Enumerable.Range(0, count)
            .Select(i => new PushRequest(Guid.NewGuid(), $"{prefix} {i}", null, null, null, null, null, null)).ToArray();
        var ids = new List<Guid>(count);
        foreach (var chunk in requests.Chunk(100)) ids.AddRange(await Broker.PushManyAsync("q", chunk));
        return [.. ids];
    }

    /// <summary>The stored event log as (sequence, message id) pairs.</summary>
    public (long Sequence, Guid? Message)[] StoredEvents() => [.. Store!.EventLog.Read(0, int.MaxValue)
        .Select(e => (e.Sequence, e.Event is Domain.Events.MessageEvent m ? m.MessageId : (Guid?)null))];

    private static QueueDefinition[] Definitions() => [.. LinkTestKit.Queues.Select(q => new QueueDefinition(q, null, 5, 600, null))];

    private static QueueSet Declared() => new(Definitions());

    private static TestNode Start(QueueSet state, EngineStore store, RocksStore? rocks, TimeProvider time, bool replica, int retained)
    {
        state.FollowsPrimary = replica;
        var broker = new Broker(state, store, time);
        var ring = replica ? null : new RetainedEvents(retained);
        if (ring is not null) broker.AddObserver(ring);
        broker.Start();
        ring?.StartAfter(broker.CommittedSequence);
        if (!replica) broker.BeginEpochAsync().GetAwaiter().GetResult();
        return new TestNode(broker, rocks, ring);
    }
}

/// <summary>A primary's replicator streaming <paramref name="node"/> to the replica behind <paramref name="network"/>,
/// run until disposed (the node is the caller's).</summary>
internal sealed class PipePrimary : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _running;

    public PipePrimary(TimeProvider time, PipeNetwork network, TestNode node, TimeSpan? heartbeat = null)
    {
        var settings = LinkTestKit.Settings("test-primary") with { Heartbeat = heartbeat ?? TimeSpan.FromSeconds(180) };
        Replicator = new Replicator("pipe-replica", network.DialAsync, settings, node.Broker, node.Retained!,
            (IEventLog?)node.Store?.EventLog ?? new TransientEventLog(), 0, time, Log, tls: null);
        _running = Task.Run(() => Replicator.RunAsync(_stop.Token));
    }

    public Replicator Replicator { get; }
    public ListLogger Log { get; } = new();

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _running;
        _stop.Dispose();
    }
}

/// <summary>A replica server applying what arrives on <paramref name="network"/> to <paramref name="node"/>, run until
/// disposed (the node is the caller's; the network is the server's).</summary>
internal sealed class PipeReplica : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _running;

    public PipeReplica(TimeProvider time, PipeNetwork network, TestNode node)
    {
        Server = new ReplicaServer(network, LinkTestKit.Settings("test-replica"), node.Broker, Log, tls: null, time);
        Server.Bind();
        _running = Task.Run(() => Server.RunAsync(_stop.Token));
    }

    public ReplicaServer Server { get; }
    public ListLogger Log { get; } = new();

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _running;
        Server.Dispose();
        _stop.Dispose();
    }
}
