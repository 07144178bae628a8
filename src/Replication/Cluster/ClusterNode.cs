using Microsoft.Extensions.Logging;
using Spartan.Engine;

namespace Spartan.Replication.Cluster;

/// <summary>One node's part in a cluster (SPEC §13, the Patroni pattern): it keeps a lease in etcd, publishes its member
/// record on it, campaigns for the leader key when nobody holds it and no live member is further ahead, leads while it
/// holds the key and follows otherwise.</summary>
/// <remarks>
/// One loop, every ttl/3 or as soon as the leader watch reports a change: renew the lease, write this node's record,
/// read the members and the leader, act. Fencing is by time: the primary acknowledges writes only while less than
/// ttl − 1 s has passed since the start of its last successful renewal (<see cref="MayAcknowledge"/>), so it has stopped
/// before its lease — and with it the leader key — can have expired and another node taken over, whatever etcd or the
/// network do meanwhile. A node that finds no leader waits one tick before campaigning, so that every live member has
/// published where it stands since the primary stopped; then only the most up-to-date ones campaign, and etcd's
/// transaction lets one win. The epoch of a leadership is the leader key's create revision, stored as the node's epoch
/// before it decides anything (<see cref="Broker.LeadAsync"/>). etcd failures are logged when they begin and end, never
/// thrown: the node keeps serving reads and keeps trying.
/// </remarks>
public sealed partial class ClusterNode
{
    private readonly ClusterSettings _settings;
    private readonly ICoordination _etcd;
    private readonly Broker _broker;
    private readonly ILeaderDuties _duties;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Lock _gate = new();
    private TaskCompletionSource _nudge = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _lease; // the lease this node holds, 0 while it has none
    private long _renewedAt;
    private long? _noLeaderSince;
    private long _handoverSince; // a timestamp, 0 when no handover is under way
    private int _role;
    private long _epoch;
    private bool _etcdDown;
    private long _renewals;
    private long _renewalFailures;
    private long _roleChanges;
    private ClusterView _view = ClusterView.Empty;

    /// <summary>A node of the cluster <paramref name="settings"/> names, following until it wins an election.</summary>
    public ClusterNode(ClusterSettings settings, ICoordination etcd, Broker broker, ILeaderDuties duties, TimeProvider time, ILogger logger)
    {
        _settings = settings;
        _etcd = etcd;
        _broker = broker;
        _duties = duties;
        _time = time;
        _logger = logger;
    }

    public ClusterSettings Settings => _settings;

    public ClusterRole Role => (ClusterRole)Volatile.Read(ref _role);

    /// <summary>The epoch of the leadership this node last saw (its own while primary); 0 before any.</summary>
    public long Epoch => Volatile.Read(ref _epoch);

    /// <summary>What etcd said last.</summary>
    public ClusterView View => Volatile.Read(ref _view);

    /// <summary>True while this node is primary, its lease is fresh enough that no other node can be, and no
    /// switchover is handing the leadership away: only then is a write acknowledged.</summary>
    public bool MayAcknowledge =>
        Role == ClusterRole.Primary && Volatile.Read(ref _handoverSince) == 0
        && _time.GetElapsedTime(Volatile.Read(ref _renewedAt)) < _settings.Fence;

    /// <summary>Successful and failed lease renewals, and role changes, since the start (metrics).</summary>
    public (long Renewals, long Failures, long RoleChanges) Counters =>
        (Volatile.Read(ref _renewals), Volatile.Read(ref _renewalFailures), Volatile.Read(ref _roleChanges));

    /// <summary>Takes part in the cluster until <paramref name="cancellationToken"/> ends; then hands the leadership back
    /// at once if it holds it (revoking its lease), so that the others need not wait for it to expire.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var watch = Task.Run(() => WatchAsync(cancellationToken), CancellationToken.None);
        // The lease has a loop of its own, so that nothing the role takes (a slow etcd call, leading's first steps) can
        // delay a renewal.
        var lease = Task.Run(() => KeepLeaseAsync(cancellationToken), CancellationToken.None);
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                try
                {
                    await TickAsync(cancellationToken);
                }
                catch (LeaseNotFoundException gone) when (!cancellationToken.IsCancellationRequested)
                {
                    Interlocked.CompareExchange(ref _lease, 0, gone.LeaseId);
                    await StepDownAsync("its lease expired");
                }
                catch (CoordinationException) when (!cancellationToken.IsCancellationRequested)
                {
                    // The lease's loop says when etcd goes and comes back; the role waits for the next tick.
                }

                await StepDownIfLeaseMayBeGoneAsync();
                await NextTickAsync(cancellationToken);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // stopping
        }
        finally
        {
            await LeaveAsync();
            foreach (var task in (Task[])[watch, lease])
            {
                try
                {
                    await task;
                }
                catch (OperationCanceledException)
                {
                    // stopped with the node
                }
            }
        }
    }

    /// <summary>Grants a lease when there is none, renews it every tick, and says when etcd goes and comes back.</summary>
    private async Task KeepLeaseAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            var started = _time.GetTimestamp();
            try
            {
                var lease = Volatile.Read(ref _lease);
                if (lease == 0)
                {
                    var grant = await _etcd.GrantLeaseAsync(_settings.Ttl, ct);
                    Renewed(started);
                    Volatile.Write(ref _lease, grant.Id);
                    Nudge();
                }
                else if (await _etcd.KeepAliveOnceAsync(lease, ct))
                {
                    Renewed(started);
                }
                else
                {
                    Interlocked.Increment(ref _renewalFailures);
                    Interlocked.CompareExchange(ref _lease, 0, lease);
                    Nudge(); // the role steps down now, not a tick later
                    continue; // a new lease at once
                }

                if (_etcdDown)
                {
                    _etcdDown = false;
                    LogEtcdBack(_logger);
                }
            }
            catch (CoordinationException error) when (!ct.IsCancellationRequested)
            {
                Interlocked.Increment(ref _renewalFailures);
                if (!_etcdDown)
                {
                    _etcdDown = true;
                    LogEtcdDown(_logger, error.Message);
                }

                Nudge();
            }

            await Task.Delay(_settings.Tick, _time, ct);
        }
    }

    private async Task TickAsync(CancellationToken ct)
    {
        var lease = Volatile.Read(ref _lease);
        if (lease == 0)
        {
            await StepDownAsync("its lease expired");
            return; // the lease's loop grants a new one
        }

        await _etcd.PutMemberAsync(Record(), lease, ct);
        var members = await _etcd.GetMembersAsync(ct);
        var leader = await _etcd.GetLeaderAsync(ct);
        Volatile.Write(ref _view, new ClusterView(leader, members));
        if (leader is not null) Volatile.Write(ref _epoch, leader.Epoch);

        if (leader is null)
        {
            await StepDownAsync("the leader key was deleted");
            await MaybeCampaignAsync(members, lease, ct);
            return;
        }

        _noLeaderSince = null;
        if (leader.Node == _settings.Node && leader.LeaseId == lease)
        {
            if (Role != ClusterRole.Primary) await LeadAsync(leader.Epoch, members, lease, ct);
            else _duties.StreamTo(members);
            await HandOverIfAskedAsync(leader, members, ct);
        }
        else
        {
            await StepDownAsync($"{leader.Node} holds the leader key (epoch {leader.Epoch})");
        }
    }

    /// <summary>Campaigns once the leader has been missing for a tick, if no live member is further ahead and no
    /// switchover names another node.</summary>
    private async Task MaybeCampaignAsync(IReadOnlyList<ClusterMember> members, long lease, CancellationToken ct)
    {
        if (_noLeaderSince is not { } since)
        {
            _noLeaderSince = _time.GetTimestamp();
            LogNoLeader(_logger, _broker.CommittedSequence);
            return;
        }

        if (_time.GetElapsedTime(since) < _settings.Tick) return;
        var applied = _broker.CommittedSequence;
        if (members.FirstOrDefault(m => m.Node != _settings.Node && m.Applied > applied) is { } ahead)
        {
            LogNotEligible(_logger, ahead.Node, ahead.Applied, applied);
            return;
        }

        if (await _etcd.GetSwitchoverAsync(ct) is { } target && target != _settings.Node && members.Any(m => m.Node == target))
            return; // the operator chose another node; it campaigns

        if (await _etcd.CampaignAsync(_settings.Node, lease, ct) is { } epoch)
            await LeadAsync(epoch, members, lease, ct);
    }

    private ClusterMember Record() => new(_settings.Node, _settings.Http, _settings.Replication, _broker.CommittedSequence,
        Epoch, Role == ClusterRole.Primary ? ClusterMember.Primary : ClusterMember.Replica);

    private void Renewed(long started)
    {
        Volatile.Write(ref _renewedAt, started);
        Interlocked.Increment(ref _renewals);
    }

    /// <summary>A primary whose lease has not been renewed for a whole ttl steps down: the lease may be gone, and another
    /// node may lead by now (its writes stopped being acknowledged a second before).</summary>
    private async Task StepDownIfLeaseMayBeGoneAsync()
    {
        if (Role == ClusterRole.Primary && _time.GetElapsedTime(Volatile.Read(ref _renewedAt)) >= _settings.Ttl)
            await StepDownAsync($"its lease has not been renewed for {_settings.Ttl.TotalSeconds:0} s");
    }

    private async Task NextTickAsync(CancellationToken ct)
    {
        Task nudged;
        lock (_gate) nudged = _nudge.Task;
        using var wait = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var tick = Task.Delay(_settings.Tick, _time, wait.Token);
        await Task.WhenAny(tick, nudged);
        await wait.CancelAsync();
        ct.ThrowIfCancellationRequested();
        lock (_gate)
        {
            if (_nudge.Task.IsCompleted) _nudge = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
    }

    /// <summary>Wakes the loop now rather than at its next tick.</summary>
    private void Nudge()
    {
        lock (_gate) _nudge.TrySetResult();
    }

    private async Task WatchAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await foreach (var change in _etcd.WatchLeaderAsync(ct))
                {
                    if (change.Leader is { } leader) Volatile.Write(ref _epoch, Math.Max(Epoch, leader.Epoch));
                    Nudge();
                }
            }
            catch (Exception error) when (error is not OperationCanceledException)
            {
                // The loop's own calls say whether etcd is there; the watch starts again after a tick.
                await Task.Delay(_settings.Tick, _time, ct);
            }
        }
    }

    [LoggerMessage(EventId = 100, Level = LogLevel.Warning, Message = "etcd is out of reach ({Reason}); a primary stops acknowledging writes before its lease can expire, and everyone keeps serving reads")]
    private static partial void LogEtcdDown(ILogger logger, string reason);

    [LoggerMessage(EventId = 101, Level = LogLevel.Information, Message = "etcd answers again")]
    private static partial void LogEtcdBack(ILogger logger);

    [LoggerMessage(EventId = 102, Level = LogLevel.Information, Message = "No node holds the leader key; this node has applied up to {Applied}")]
    private static partial void LogNoLeader(ILogger logger, long applied);

    [LoggerMessage(EventId = 103, Level = LogLevel.Information, Message = "Not campaigning: {Node} has applied up to {Ahead}, this node up to {Applied}")]
    private static partial void LogNotEligible(ILogger logger, string node, long ahead, long applied);
}
