using Microsoft.Extensions.Logging;

namespace Spartan.Replication.Cluster;

// Role changes: leading (the epoch stored first, then writes), stepping down (writes refused first, then streams
// stopped and the loop told to follow), handing over on an operator's switchover, and leaving at a graceful stop.
public sealed partial class ClusterNode
{
    /// <summary>How long a primary holds writes back for a switchover target to catch up before it gives up.</summary>
    public static readonly TimeSpan HandoverLimit = TimeSpan.FromSeconds(30);

    private async Task LeadAsync(long epoch, IReadOnlyList<ClusterMember> members, long lease, CancellationToken ct)
    {
        _noLeaderSince = null;
        var begun = await _broker.LeadAsync(epoch);
        Volatile.Write(ref _epoch, epoch);
        Volatile.Write(ref _role, (int)ClusterRole.Primary);
        Interlocked.Increment(ref _roleChanges);
        LogLeading(_logger, epoch, begun?.Start ?? _broker.CommittedSequence + 1);
        await _duties.StartLeadingAsync(epoch, ct);
        _duties.StreamTo(members);
        await _etcd.PutMemberAsync(Record(), lease, ct);
        if (await _etcd.GetSwitchoverAsync(ct) == _settings.Node) await _etcd.ClearSwitchoverAsync(_settings.Node, ct);
    }

    private async Task StepDownAsync(string reason)
    {
        if (Role != ClusterRole.Primary) return;
        // Refused first, so no write is acknowledged while the rest happens.
        Volatile.Write(ref _role, (int)ClusterRole.Replica);
        Volatile.Write(ref _handoverSince, 0);
        Interlocked.Increment(ref _roleChanges);
        LogSteppingDown(_logger, reason);
        await _duties.StopLeadingAsync();
        await _broker.FollowAsync();
    }

    /// <summary>An operator asked (<c>spartan cluster switchover --to NODE</c>) to hand the leadership to another live
    /// member: writes are held back until it has acknowledged everything committed here, then this node resigns and that
    /// one, the most up to date, takes the key. Given up after <see cref="HandoverLimit"/>.</summary>
    private async Task HandOverIfAskedAsync(LeaderInfo leader, IReadOnlyList<ClusterMember> members, CancellationToken ct)
    {
        var target = await _etcd.GetSwitchoverAsync(ct);
        if (target is null || target == _settings.Node)
        {
            if (target is not null) await _etcd.ClearSwitchoverAsync(target, ct);
            Volatile.Write(ref _handoverSince, 0);
            return;
        }

        if (members.All(m => m.Node != target))
        {
            LogHandoverRefused(_logger, target);
            await _etcd.ClearSwitchoverAsync(target, ct);
            return;
        }

        var since = Volatile.Read(ref _handoverSince);
        if (since == 0)
        {
            since = Math.Max(1, _time.GetTimestamp());
            Volatile.Write(ref _handoverSince, since);
            LogHandingOver(_logger, target);
        }

        // No write is acknowledged from here, so the committed sequence only grows by what was already decided.
        var committed = _broker.CommittedSequence;
        if (_duties.AcknowledgedBy(target) >= committed)
        {
            if (await _etcd.ResignAsync(_settings.Node, leader.Epoch, ct))
                await StepDownAsync($"handed the leadership to {target}, which holds every event up to {committed}");
            return;
        }

        if (_time.GetElapsedTime(since) > HandoverLimit)
        {
            LogHandoverGaveUp(_logger, target, _duties.AcknowledgedBy(target), committed);
            await _etcd.ClearSwitchoverAsync(target, ct);
            Volatile.Write(ref _handoverSince, 0);
            return;
        }

        Nudge(); // check again soon rather than a tick later; writes wait meanwhile
        await Task.Delay(TimeSpan.FromMilliseconds(50), _time, ct);
    }

    /// <summary>A graceful stop: a primary stops taking writes and revokes its lease, which deletes the leader key and
    /// its member record at once, so the others elect a new primary without waiting out the ttl.</summary>
    private async Task LeaveAsync()
    {
        await StepDownAsync("the node is stopping");
        var lease = Interlocked.Exchange(ref _lease, 0);
        if (lease == 0) return;
        using var bound = new CancellationTokenSource(_settings.Tick);
        try
        {
            await _etcd.RevokeAsync(lease, bound.Token);
        }
        catch (Exception error) when (error is CoordinationException or OperationCanceledException)
        {
            // etcd is away: the lease runs out by itself
        }
    }

    [LoggerMessage(EventId = 104, Level = LogLevel.Warning, Message = "Leading the cluster: epoch {Epoch}, first sequence {Start}")]
    private static partial void LogLeading(ILogger logger, long epoch, long start);

    [LoggerMessage(EventId = 105, Level = LogLevel.Warning, Message = "Stepping down from primary: {Reason}")]
    private static partial void LogSteppingDown(ILogger logger, string reason);

    [LoggerMessage(EventId = 106, Level = LogLevel.Information, Message = "Switchover to {Target}: holding writes back until it has every committed event")]
    private static partial void LogHandingOver(ILogger logger, string target);

    [LoggerMessage(EventId = 107, Level = LogLevel.Warning, Message = "Switchover to {Target} refused: it is not a live member")]
    private static partial void LogHandoverRefused(ILogger logger, string target);

    [LoggerMessage(EventId = 108, Level = LogLevel.Warning, Message = "Switchover to {Target} given up: it acknowledged {Acked} of {Committed} events in time; taking writes again")]
    private static partial void LogHandoverGaveUp(ILogger logger, string target, long acked, long committed);
}
