using Spartan.Replication.Cluster;
using static Spartan.Replication.Tests.Cluster.EtcdTestKit;

namespace Spartan.Replication.Tests.Cluster;

/// <summary>etcd killed, frozen, or cut off from one node: calls fail within their deadline rather than hang, and the
/// same client and watch carry on once etcd is back.</summary>
public sealed class EtcdOutageTests : IAsyncLifetime
{
    private EtcdTestKit _kit = null!;

    public async ValueTask InitializeAsync() => _kit = await StartAsync();

    public ValueTask DisposeAsync() => _kit.DisposeAsync();

    [Fact]
    public async Task Killed_etcd_fails_every_call_and_after_a_restart_on_the_same_ports_the_same_client_and_watch_go_on()
    {
        var a = _kit.Connect();
        var b = _kit.Connect();
        // Longer than the usual ttl: what is under test is the client's recovery, which must not race the lease.
        var lease = await a.GrantLeaseAsync(TimeSpan.FromSeconds(10), Ct);
        var epoch = (await a.CampaignAsync("node-a", lease.Id, Ct))!.Value;
        await a.PutMemberAsync(Member("node-a"), lease.Id, Ct);
        var watch = _kit.Watch(b);
        Assert.Equal("node-a", (await watch.NextAsync("the leader")).Leader?.Node);

        await _kit.Etcd.KillAsync();

        // Every kind of call fails (the bound only keeps a hang from hanging the test: the call's own deadline is what
        // must end it, as a CoordinationException).
        await Fails(() => a.KeepAliveOnceAsync(lease.Id, Ct));
        await Fails(() => a.GrantLeaseAsync(Ttl, Ct));
        await Fails(() => a.CampaignAsync("node-a", lease.Id, Ct));
        await Fails(() => a.GetLeaderAsync(Ct));
        await Fails(() => a.ResignAsync("node-a", epoch, Ct));
        await Fails(() => a.PutMemberAsync(Member("node-a"), lease.Id, Ct));
        await Fails(() => a.GetMembersAsync(Ct));
        await Fails(() => a.RevokeAsync(lease.Id, Ct));
        await Fails(() => a.GetSwitchoverAsync(Ct));

        await _kit.Etcd.RestartAsync(Ct);

        // The same clients reconnect; the lease survived the restart (etcd keeps leases on disk and gives each its full
        // ttl again when it comes back), and so did the leadership and the member record.
        Assert.True(await EventuallyAsync(() => a.KeepAliveOnceAsync(lease.Id, Ct), "renewal after the restart"));
        Assert.Equal(new LeaderInfo("node-a", epoch, lease.Id), await a.GetLeaderAsync(Ct));
        Assert.Equal([Member("node-a")], await a.GetMembersAsync(Ct));

        // The watch is back on the key: it reports the resignation and the next leader.
        Assert.True(await a.ResignAsync("node-a", epoch, Ct));
        Assert.Null((await watch.NextAsync("the resignation after the restart")).Leader);
        var leaseB = await b.GrantLeaseAsync(Ttl, Ct);
        var epochB = (await b.CampaignAsync("node-b", leaseB.Id, Ct))!.Value;
        Assert.Equal(new LeaderInfo("node-b", epochB, leaseB.Id), (await watch.NextAsync("the new leader")).Leader);
    }

    [Fact]
    public async Task A_lease_outlives_an_etcd_outage_longer_than_its_ttl_because_etcd_restarts_every_ttl_when_it_comes_back()
    {
        // What the role state machine must not assume: that etcd being down for a ttl frees the leadership. etcd keeps
        // leases on disk and, on becoming leader again, gives each its full ttl anew; only after that ttl without a
        // renewal does the old primary's key go.
        var a = _kit.Connect();
        var lease = await a.GrantLeaseAsync(Ttl, Ct);
        var epoch = (await a.CampaignAsync("node-a", lease.Id, Ct))!.Value;

        await _kit.Etcd.KillAsync();
        await Task.Delay(Ttl + Ttl / 2, Ct); // the outage itself is what is under test
        await _kit.Etcd.RestartAsync(Ct);

        // Renewed first, and through a fresh channel (no reconnect backoff left from the outage): the lease's new ttl
        // runs from etcd's restart, and this must not be what lets it lapse.
        var renewer = _kit.Connect();
        Assert.True(await EventuallyAsync(() => renewer.KeepAliveOnceAsync(lease.Id, Ct), "renewal after the restart"));
        Assert.Equal(new LeaderInfo("node-a", epoch, lease.Id), await renewer.GetLeaderAsync(Ct));
    }

    [Fact]
    public async Task A_frozen_etcd_fails_calls_at_their_deadline_and_answers_again_when_resumed()
    {
        var a = _kit.Connect();
        var lease = await a.GrantLeaseAsync(Ttl, Ct);
        Assert.True(await a.KeepAliveOnceAsync(lease.Id, Ct));

        _kit.Etcd.Pause(); // its connections stay open: only the deadline can end a call
        try
        {
            await Fails(() => a.KeepAliveOnceAsync(lease.Id, Ct));
            await Fails(() => a.GetLeaderAsync(Ct));
        }
        finally
        {
            _kit.Etcd.Resume();
        }

        Assert.True(await EventuallyAsync(() => a.KeepAliveOnceAsync(lease.Id, Ct), "renewal after resuming"));
    }

    [Fact]
    public async Task A_watch_cut_off_from_etcd_reads_the_key_again_on_reconnecting_so_a_deletion_it_missed_is_reported()
    {
        using var gate = new LoopbackGate(new Uri(_kit.Etcd.ClientUrl).Port);
        var watcher = _kit.Connect(url: gate.Url);
        var a = _kit.Connect();
        var lease = await a.GrantLeaseAsync(Ttl, Ct);
        var epoch = (await a.CampaignAsync("node-a", lease.Id, Ct))!.Value;
        var watch = _kit.Watch(watcher);
        Assert.Equal("node-a", (await watch.NextAsync("the leader")).Leader?.Node);

        gate.Cut();
        await Fails(() => watcher.GetLeaderAsync(Ct)); // the watcher's node has lost etcd
        // Meanwhile etcd is up and the leader resigns: the watch stream is gone, so no event can carry this.
        Assert.True(await a.ResignAsync("node-a", epoch, Ct));
        gate.Restore();

        var missed = await watch.NextAsync("the deletion made while it was cut off");
        Assert.Null(missed.Leader);
        Assert.True(missed.Revision > epoch);
    }

    private static async Task Fails(Func<Task> call)
    {
        var error = await Assert.ThrowsAsync<CoordinationException>(() => call().WaitAsync(Bound, Ct));
        Assert.NotNull(error.InnerException); // etcd's or the channel's own failure, kept for the logs
    }

    private static ClusterMember Member(string node) => EtcdLeadershipTests.Member(node, 3, 1);
}
