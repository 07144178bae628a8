using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Spartan.Replication.Cluster;

namespace Spartan.Replication.Tests.Cluster;

/// <summary>etcd in memory for the role state machine's tests, on the test's clock: leases that expire (deleting their
/// keys) when their ttl passes unrenewed, a revision counter, the leader key's create revision as the epoch, and a
/// switch that makes every call fail as if etcd were out of reach.</summary>
internal sealed class FakeCoordination(TimeProvider time) : ICoordination
{
    private readonly Lock _gate = new();
    private readonly Dictionary<long, (TimeSpan Ttl, DateTimeOffset Expires)> _leases = [];
    private readonly Dictionary<string, (ClusterMember Member, long Lease)> _members = new(StringComparer.Ordinal);
    private readonly List<Channel<LeaderChange>> _watchers = [];
    private LeaderInfo? _leader;
    private string? _switchover;
    private long _revision = 100;
    private long _nextLease = 1;

    /// <summary>While true, every call throws <see cref="CoordinationException"/> (etcd out of reach).</summary>
    public bool Down { get; set; }

    public LeaderInfo? Leader
    {
        get
        {
            lock (_gate)
            {
                Expire();
                return _leader;
            }
        }
    }

    public string? Switchover
    {
        get { lock (_gate) return _switchover; }
    }

    /// <summary>Ends a lease now, as etcd does when its ttl passes (a frozen or dead holder).</summary>
    public void ExpireLease(long lease)
    {
        lock (_gate)
        {
            if (_leases.Remove(lease)) DropKeysOf(lease);
        }
    }

    public Task<LeaseGrant> GrantLeaseAsync(TimeSpan ttl, CancellationToken cancellationToken) => Call(() =>
    {
        var id = _nextLease++;
        _leases[id] = (ttl, time.GetUtcNow() + ttl);
        return new LeaseGrant(id, ttl);
    });

    public Task<bool> KeepAliveOnceAsync(long leaseId, CancellationToken cancellationToken) => Call(() =>
    {
        if (!_leases.TryGetValue(leaseId, out var lease)) return false;
        _leases[leaseId] = lease with { Expires = time.GetUtcNow() + lease.Ttl };
        return true;
    });

    public Task RevokeAsync(long leaseId, CancellationToken cancellationToken) => Call(() =>
    {
        if (_leases.Remove(leaseId)) DropKeysOf(leaseId);
        return true;
    });

    public Task<long?> CampaignAsync(string node, long leaseId, CancellationToken cancellationToken) => Call<long?>(() =>
    {
        if (!_leases.ContainsKey(leaseId)) throw new LeaseNotFoundException(leaseId, new InvalidOperationException("gone"));
        if (_leader is { } held) return held.Node == node && held.LeaseId == leaseId ? held.Epoch : null;
        _leader = new LeaderInfo(node, ++_revision, leaseId);
        Notify();
        return _leader.Epoch;
    });

    public Task<LeaderInfo?> GetLeaderAsync(CancellationToken cancellationToken) => Call(() => _leader);

    public Task<bool> ResignAsync(string node, long epoch, CancellationToken cancellationToken) => Call(() =>
    {
        if (_leader is not { } held || held.Node != node || held.Epoch != epoch) return false;
        _leader = null;
        _revision++;
        Notify();
        return true;
    });

    public Task PutMemberAsync(ClusterMember member, long leaseId, CancellationToken cancellationToken) => Call(() =>
    {
        if (!_leases.ContainsKey(leaseId)) throw new LeaseNotFoundException(leaseId, new InvalidOperationException("gone"));
        _members[member.Node] = (member, leaseId);
        _revision++;
        return true;
    });

    public Task<IReadOnlyList<ClusterMember>> GetMembersAsync(CancellationToken cancellationToken) =>
        Call<IReadOnlyList<ClusterMember>>(() => [.. _members.Values.Select(m => m.Member).OrderBy(m => m.Node, StringComparer.Ordinal)]);

    public async IAsyncEnumerable<LeaderChange> WatchLeaderAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var channel = Channel.CreateUnbounded<LeaderChange>();
        lock (_gate)
        {
            _watchers.Add(channel);
            channel.Writer.TryWrite(new LeaderChange(_leader, _revision));
        }

        try
        {
            await foreach (var change in channel.Reader.ReadAllAsync(cancellationToken)) yield return change;
        }
        finally
        {
            lock (_gate) _watchers.Remove(channel);
        }
    }

    public Task RequestSwitchoverAsync(string targetNode, CancellationToken cancellationToken) => Call(() => _switchover = targetNode);

    public Task<string?> GetSwitchoverAsync(CancellationToken cancellationToken) => Call(() => _switchover);

    public Task<bool> ClearSwitchoverAsync(string targetNode, CancellationToken cancellationToken) => Call(() =>
    {
        if (_switchover != targetNode) return false;
        _switchover = null;
        return true;
    });

    private Task<T> Call<T>(Func<T> body)
    {
        lock (_gate)
        {
            if (Down) return Task.FromException<T>(new CoordinationException("etcd is out of reach (fake)"));
            Expire();
            try
            {
                return Task.FromResult(body());
            }
            catch (Exception error)
            {
                return Task.FromException<T>(error);
            }
        }
    }

    /// <summary>Under the gate: drops leases whose ttl passed, and their keys.</summary>
    private void Expire()
    {
        var now = time.GetUtcNow();
        foreach (var (id, lease) in _leases.ToList())
        {
            if (lease.Expires > now) continue;
            _leases.Remove(id);
            DropKeysOf(id);
        }
    }

    private void DropKeysOf(long lease)
    {
        if (_leader?.LeaseId == lease)
        {
            _leader = null;
            _revision++;
            Notify();
        }

        foreach (var node in _members.Where(m => m.Value.Lease == lease).Select(m => m.Key).ToList()) _members.Remove(node);
    }

    private void Notify()
    {
        foreach (var watcher in _watchers) watcher.Writer.TryWrite(new LeaderChange(_leader, _revision));
    }
}
