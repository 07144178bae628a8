using System.Diagnostics;
using dotnet_etcd;
using Spartan.Replication.Cluster;
using Spartan.Tests.Shared;

namespace Spartan.Replication.Tests.Cluster;

/// <summary>One real etcd per test, the coordinations connected to it (their logs captured), and bounded waits.</summary>
internal sealed class EtcdTestKit : IAsyncDisposable
{
    /// <summary>The leases' ttl: twice etcd's shortest with the harness's 500 ms election timeout.</summary>
    public static readonly TimeSpan Ttl = TimeSpan.FromSeconds(2);

    /// <summary>Each call's deadline, a third of the ttl as a node would run it.</summary>
    public static readonly TimeSpan CallTimeout = TimeSpan.FromMilliseconds(Ttl.TotalMilliseconds / 3);

    /// <summary>How long any wait of these tests may take before it fails.</summary>
    public static readonly TimeSpan Bound = TimeSpan.FromSeconds(15);

    private readonly List<IDisposable> _owned = [];
    private readonly List<IAsyncDisposable> _watches = [];
    private readonly CapturedLogs _logs = new();

    private EtcdTestKit(EtcdServer etcd) => Etcd = etcd;

    public EtcdServer Etcd { get; }

    public static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static async Task<EtcdTestKit> StartAsync() => new(await EtcdServer.StartAsync(cancellationToken: Ct));

    /// <summary>A node's coordination with etcd, for cluster <paramref name="cluster"/>, through <paramref name="url"/>
    /// (etcd's own by default).</summary>
    public EtcdCoordination Connect(string cluster = "test", string? url = null)
    {
        var coordination = new EtcdCoordination(cluster, [url ?? Etcd.ClientUrl], CallTimeout,
            _logs.CreateLogger($"coordination {_owned.Count}"));
        _owned.Add(coordination);
        return coordination;
    }

    /// <summary>A plain dotnet-etcd client, to look at the keys as etcd stores them.</summary>
    public EtcdClient Raw()
    {
        var client = new EtcdClient(Etcd.ClientUrl);
        _owned.Add(client);
        return client;
    }

    /// <summary>Watches the leader key through <paramref name="coordination"/> until the test ends.</summary>
    public LeaderWatch Watch(ICoordination coordination)
    {
        var watch = new LeaderWatch(coordination, this);
        _watches.Add(watch);
        return watch;
    }

    /// <summary>What the coordinations logged, for failure messages.</summary>
    public string Logs => string.Join('\n', _logs.Entries);

    /// <summary>Retries <paramref name="call"/> until it completes without a <see cref="CoordinationException"/> (etcd
    /// coming back, the channel reconnecting); fails after <see cref="Bound"/>.</summary>
    public static async Task<T> EventuallyAsync<T>(Func<Task<T>> call, string what)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            try { return await call(); }
            catch (CoordinationException e)
            {
                if (clock.Elapsed > Bound) Assert.Fail($"{what}: still failing after {Bound.TotalSeconds} s: {e.Message}");
            }
            await Task.Delay(50, Ct);
        }
    }

    public async ValueTask DisposeAsync()
    {
        // etcd goes whatever else fails here: a cleanup that threw first once left etcd processes behind the test run.
        try
        {
            foreach (var watch in _watches) await watch.DisposeAsync();
            foreach (var owned in _owned) owned.Dispose();
        }
        finally
        {
            await Etcd.DisposeAsync();
        }
    }

    /// <summary>A leader watch read one change at a time, each within <see cref="Bound"/>; stopped by its own token so a
    /// read still pending when a test fails is cancelled, not abandoned.</summary>
    internal sealed class LeaderWatch : IAsyncDisposable
    {
        private readonly CancellationTokenSource _stop = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        private readonly IAsyncEnumerator<LeaderChange> _changes;
        private readonly EtcdTestKit _kit;
        private Task<bool>? _pending;

        public LeaderWatch(ICoordination coordination, EtcdTestKit kit)
        {
            _kit = kit;
            _changes = coordination.WatchLeaderAsync(_stop.Token).GetAsyncEnumerator(_stop.Token);
        }

        /// <summary>The next change the watch reports.</summary>
        public async Task<LeaderChange> NextAsync(string what)
        {
            _pending ??= _changes.MoveNextAsync().AsTask();
            try
            {
                var more = await _pending.WaitAsync(Bound, Ct);
                _pending = null;
                Assert.True(more, $"the watch ended before {what}");
                return _changes.Current;
            }
            catch (TimeoutException)
            {
                Assert.Fail($"the watch did not report {what} within {Bound.TotalSeconds} s; the coordinations logged:\n{_kit.Logs}");
                throw;
            }
        }

        public async ValueTask DisposeAsync()
        {
            if (_stop.IsCancellationRequested) return;
            await _stop.CancelAsync();
            if (_pending is not null)
            {
                try { await _pending; }
                catch (OperationCanceledException) { }
            }
            await _changes.DisposeAsync();
            _stop.Dispose();
        }
    }
}
