using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Spartan.Domain;
using Spartan.Engine;
using Spartan.Replication.Cluster;

namespace Spartan.Replication.Tests.Cluster;

/// <summary>Nodes of one cluster on a <see cref="FakeCoordination"/> and one fake clock: each a real broker (in memory)
/// and a <see cref="ClusterNode"/> running its loop; the test moves the clock and waits for what the loops do.</summary>
internal sealed class ClusterTestKit : IAsyncDisposable
{
    public static readonly TimeSpan Ttl = TimeSpan.FromSeconds(3);
    private readonly List<Member> _members = [];

    public FakeTimeProvider Clock { get; } = new(new DateTimeOffset(2026, 12, 1, 12, 0, 0, TimeSpan.Zero));
    public FakeCoordination Etcd { get; }

    public ClusterTestKit() => Etcd = new FakeCoordination(Clock);

    public Member Start(string node)
    {
        var broker = new Broker(new QueueSet([new QueueDefinition("jobs", null, 5, 30, null)]), new EngineStore(new TransientEventLog()), Clock);
        _ = broker.FollowAsync();
        broker.Start();
        var duties = new FakeDuties(broker);
        var settings = new ClusterSettings("test", node, Ttl, $"{node}:5680", $"{node}:12345");
        var cluster = new ClusterNode(settings, Etcd, broker, duties, Clock, NullLogger.Instance);
        var member = new Member(node, broker, duties, cluster);
        member.Run();
        _members.Add(member);
        return member;
    }

    /// <summary>Moves the clock a tenth of a tick at a time until <paramref name="condition"/> holds; fails after
    /// <paramref name="within"/> of fake time, or when the loops stop answering in real time.</summary>
    public async Task AdvanceUntilAsync(Func<bool> condition, TimeSpan within, string what)
    {
        var step = Ttl / 30;
        for (var moved = TimeSpan.Zero; moved <= within; moved += step)
        {
            if (await SettledAsync(condition)) return;
            Clock.Advance(step);
        }

        Assert.Fail($"{what}: not within {within.TotalSeconds} s of the cluster's clock");
    }

    /// <summary>Lets the loops run on what the clock says now (bounded in real time), then says whether
    /// <paramref name="condition"/> holds.</summary>
    public static async Task<bool> SettledAsync(Func<bool> condition)
    {
        var until = DateTime.UtcNow + TimeSpan.FromMilliseconds(50);
        while (DateTime.UtcNow < until)
        {
            if (condition()) return true;
            await Task.Yield();
        }

        return condition();
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var member in _members) await member.DisposeAsync();
    }

    /// <summary>One node: its broker, its duties' record, its cluster loop.</summary>
    internal sealed class Member(string node, Broker broker, FakeDuties duties, ClusterNode cluster) : IAsyncDisposable
    {
        private readonly CancellationTokenSource _stop = new();
        private Task _running = Task.CompletedTask;

        public string Node { get; } = node;
        public Broker Broker { get; } = broker;
        public FakeDuties Duties { get; } = duties;
        public ClusterNode Cluster { get; } = cluster;

        public void Run() => _running = Task.Run(() => Cluster.RunAsync(_stop.Token));

        public async Task StopAsync()
        {
            await _stop.CancelAsync();
            await _running.WaitAsync(TimeSpan.FromSeconds(10));
        }

        public async ValueTask DisposeAsync()
        {
            if (!_stop.IsCancellationRequested) await StopAsync();
            await Broker.StopAsync();
            _stop.Dispose();
        }
    }

    /// <summary>Records what the node asked of its host while leading; <see cref="Acknowledged"/> plays the replicas.</summary>
    internal sealed class FakeDuties(Broker broker) : ILeaderDuties
    {
        public List<long> Leaderships { get; } = [];
        public int StepDowns { get; private set; }
        public IReadOnlyList<ClusterMember> StreamingTo { get; private set; } = [];
        public Dictionary<string, long> Acknowledged { get; } = [];

        public async Task StartLeadingAsync(long epoch, CancellationToken cancellationToken)
        {
            lock (Leaderships) Leaderships.Add(epoch);
            await broker.DeclareQueuesAsync([]);
        }

        public void StreamTo(IReadOnlyList<ClusterMember> members) => StreamingTo = members;

        public long AcknowledgedBy(string node)
        {
            lock (Acknowledged) return Acknowledged.GetValueOrDefault(node, -1);
        }

        public Task StopLeadingAsync()
        {
            StepDowns++;
            StreamingTo = [];
            return Task.CompletedTask;
        }
    }
}
