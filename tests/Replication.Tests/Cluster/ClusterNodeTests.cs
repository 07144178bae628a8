using Spartan.Domain;
using Spartan.Engine;
using Spartan.Replication.Cluster;

namespace Spartan.Replication.Tests.Cluster;

/// <summary>SPEC §13's role state machine on etcd in memory and a fake clock: election at bootstrap, fencing by lease
/// age, failover to the most up-to-date member, stepping down, switchover, and etcd out of reach.</summary>
public sealed class ClusterNodeTests : IAsyncDisposable
{
    private static readonly TimeSpan Ttl = ClusterTestKit.Ttl;
    private readonly ClusterTestKit _kit = new();

    public ValueTask DisposeAsync() => _kit.DisposeAsync();

    private static PushRequest Push(string body) => new(Guid.NewGuid(), body, null, null, null, null, null, null);

    [Fact]
    public async Task A_lone_node_takes_the_leader_key_after_a_tick_and_leads_with_its_create_revision_as_epoch()
    {
        var a = _kit.Start("a");

        // The role first (so writes are taken), then the leader's duties.
        await _kit.AdvanceUntilAsync(() => a.Cluster.Role == ClusterRole.Primary && a.Duties.Leaderships.Count == 1, Ttl * 2, "a leads");

        var leader = _kit.Etcd.Leader!;
        Assert.Equal("a", leader.Node);
        Assert.Equal(leader.Epoch, a.Cluster.Epoch);
        Assert.Equal([leader.Epoch], a.Duties.Leaderships);
        Assert.Equal(leader.Epoch, a.Broker.History.Latest!.Value.Number);
        Assert.True(a.Cluster.MayAcknowledge);
        Assert.False(a.Broker.Following);
        await a.Broker.PushAsync("jobs", Push("written by the primary"));
    }

    [Fact]
    public async Task Before_it_leads_a_node_decides_nothing()
    {
        _kit.Etcd.Down = true;
        var a = _kit.Start("a");

        _kit.Clock.Advance(Ttl * 3);
        await ClusterTestKit.SettledAsync(() => false);

        Assert.Equal(ClusterRole.Replica, a.Cluster.Role);
        Assert.False(a.Cluster.MayAcknowledge);
        await Assert.ThrowsAsync<NotPrimaryException>(() => a.Broker.PushAsync("jobs", Push("no primary")));
    }

    [Fact]
    public async Task Only_one_of_three_leads_and_every_node_sees_the_same_leader_and_members()
    {
        var nodes = new[] { _kit.Start("a"), _kit.Start("b"), _kit.Start("c") };

        await _kit.AdvanceUntilAsync(() => nodes.Count(n => n.Cluster.Role == ClusterRole.Primary) == 1
                                           && nodes.All(n => n.Cluster.View.Leader is not null && n.Cluster.View.Members.Count == 3)
                                           && nodes.Any(n => n.Duties.StreamingTo.Count == 3),
            Ttl * 3, "one leader, seen by all");

        var leader = _kit.Etcd.Leader!;
        Assert.All(nodes, n => Assert.Equal(leader, n.Cluster.View.Leader));
        var primary = nodes.Single(n => n.Cluster.Role == ClusterRole.Primary);
        Assert.Equal(leader.Node, primary.Node);
        Assert.Equal(2, primary.Duties.StreamingTo.Count(m => m.Node != primary.Node));
    }

    [Fact]
    public async Task A_primary_stops_acknowledging_once_ttl_minus_one_second_passed_since_its_last_renewal()
    {
        var a = _kit.Start("a");
        await _kit.AdvanceUntilAsync(() => a.Cluster.Role == ClusterRole.Primary, Ttl * 2, "a leads");

        _kit.Etcd.Down = true; // renewals fail from now on
        await _kit.AdvanceUntilAsync(() => !a.Cluster.MayAcknowledge, Ttl, "writes fenced");

        // Fenced while still primary: its lease may not have expired yet, and it has not stepped down.
        Assert.Equal(ClusterRole.Primary, a.Cluster.Role);
        // Writes are refused the moment it steps down; its loop follows right after.
        await _kit.AdvanceUntilAsync(() => a.Cluster.Role == ClusterRole.Replica && a.Broker.Following, Ttl, "a steps down and follows");
        Assert.Equal(1, a.Duties.StepDowns);
    }

    [Fact]
    public async Task When_the_primarys_lease_expires_the_most_up_to_date_member_takes_over_with_a_higher_epoch()
    {
        var a = _kit.Start("a");
        await _kit.AdvanceUntilAsync(() => a.Cluster.Role == ClusterRole.Primary, Ttl * 2, "a leads");
        var first = _kit.Etcd.Leader!;
        var behind = _kit.Start("b");
        var ahead = _kit.Start("c");
        // c has applied more of a's stream than b.
        await ahead.Broker.LeadAsync(1);
        await ahead.Broker.PushAsync("jobs", Push("c is ahead"));
        await ahead.Broker.FollowAsync();
        await _kit.AdvanceUntilAsync(() => a.Cluster.View.Members.Count == 3
                                           && a.Cluster.View.Members.Any(m => m.Node == "c" && m.Applied == ahead.Broker.CommittedSequence),
            Ttl, "all members published");

        await a.StopAsync(); // a graceful stop revokes the lease: the key goes at once
        await _kit.AdvanceUntilAsync(() => ahead.Cluster.Role == ClusterRole.Primary, Ttl + TimeSpan.FromSeconds(5), "c takes over");

        Assert.Equal(ClusterRole.Replica, behind.Cluster.Role);
        Assert.True(_kit.Etcd.Leader!.Epoch > first.Epoch);
        Assert.Equal(_kit.Etcd.Leader.Epoch, ahead.Broker.History.Latest!.Value.Number);
    }

    [Fact]
    public async Task A_frozen_primary_whose_lease_expired_steps_down_when_it_wakes_and_a_new_one_leads()
    {
        var a = _kit.Start("a");
        await _kit.AdvanceUntilAsync(() => a.Cluster.Role == ClusterRole.Primary, Ttl * 2, "a leads");
        var b = _kit.Start("b");
        await _kit.AdvanceUntilAsync(() => b.Cluster.View.Members.Count == 2, Ttl, "b joined");

        _kit.Etcd.ExpireLease(_kit.Etcd.Leader!.LeaseId); // a froze past its ttl
        await _kit.AdvanceUntilAsync(() => b.Cluster.Role == ClusterRole.Primary && a.Cluster.Role == ClusterRole.Replica && a.Broker.Following,
            Ttl + TimeSpan.FromSeconds(5), "b leads, a follows");

        Assert.Equal("b", _kit.Etcd.Leader!.Node);
        Assert.True(a.Broker.Following);
        await Assert.ThrowsAsync<NotPrimaryException>(() => a.Broker.PushAsync("jobs", Push("to the old primary")));
    }

    [Fact]
    public async Task A_switchover_holds_writes_until_the_target_caught_up_then_hands_over()
    {
        var a = _kit.Start("a");
        await _kit.AdvanceUntilAsync(() => a.Cluster.Role == ClusterRole.Primary, Ttl * 2, "a leads");
        var b = _kit.Start("b");
        await _kit.AdvanceUntilAsync(() => a.Cluster.View.Members.Count == 2, Ttl, "b joined");
        // (No write here: these nodes do not stream, so b could never hold it, and a would stay the one further ahead.)

        await _kit.Etcd.RequestSwitchoverAsync("b", CancellationToken.None);
        await _kit.AdvanceUntilAsync(() => !a.Cluster.MayAcknowledge, Ttl, "writes held back");
        Assert.Equal(ClusterRole.Primary, a.Cluster.Role); // b has not acknowledged everything yet

        lock (a.Duties.Acknowledged) a.Duties.Acknowledged["b"] = a.Broker.CommittedSequence;
        // b clears the request once it leads.
        await _kit.AdvanceUntilAsync(() => b.Cluster.Role == ClusterRole.Primary && _kit.Etcd.Switchover is null, Ttl * 2,
            "b leads and the request is cleared");

        Assert.Equal(ClusterRole.Replica, a.Cluster.Role);
    }

    [Fact]
    public async Task A_switchover_to_a_member_that_does_not_catch_up_is_given_up_and_writes_resume()
    {
        var a = _kit.Start("a");
        await _kit.AdvanceUntilAsync(() => a.Cluster.Role == ClusterRole.Primary, Ttl * 2, "a leads");
        _kit.Start("b");
        await _kit.AdvanceUntilAsync(() => a.Cluster.View.Members.Count == 2, Ttl, "b joined");
        await a.Broker.PushAsync("jobs", Push("b never gets this"));

        await _kit.Etcd.RequestSwitchoverAsync("b", CancellationToken.None);
        await _kit.AdvanceUntilAsync(() => !a.Cluster.MayAcknowledge, Ttl, "writes held back");
        await _kit.AdvanceUntilAsync(() => a.Cluster.MayAcknowledge, ClusterNode.HandoverLimit + Ttl, "given up");

        Assert.Equal(ClusterRole.Primary, a.Cluster.Role);
        Assert.Null(_kit.Etcd.Switchover);
    }

    [Fact]
    public async Task A_switchover_to_a_node_that_is_not_a_member_is_dropped()
    {
        var a = _kit.Start("a");
        await _kit.AdvanceUntilAsync(() => a.Cluster.Role == ClusterRole.Primary, Ttl * 2, "a leads");

        await _kit.Etcd.RequestSwitchoverAsync("nobody", CancellationToken.None);
        await _kit.AdvanceUntilAsync(() => _kit.Etcd.Switchover is null, Ttl, "request dropped");

        Assert.True(a.Cluster.MayAcknowledge);
    }

    [Fact]
    public async Task While_etcd_is_away_nobody_becomes_primary_and_when_it_returns_one_does()
    {
        _kit.Etcd.Down = true;
        var a = _kit.Start("a");
        var b = _kit.Start("b");
        _kit.Clock.Advance(Ttl * 4);
        Assert.False(await ClusterTestKit.SettledAsync(() => a.Cluster.Role == ClusterRole.Primary || b.Cluster.Role == ClusterRole.Primary));

        _kit.Etcd.Down = false;
        await _kit.AdvanceUntilAsync(() => (a.Cluster.Role == ClusterRole.Primary) ^ (b.Cluster.Role == ClusterRole.Primary),
            Ttl * 3, "one leads");
    }
}
