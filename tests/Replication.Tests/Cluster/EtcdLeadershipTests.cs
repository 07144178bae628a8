using Spartan.Replication.Cluster;
using static Spartan.Replication.Tests.Cluster.EtcdTestKit;

namespace Spartan.Replication.Tests.Cluster;

/// <summary>The leader key on a real etcd: one holder at a time, its create revision as the epoch, resignation only of
/// one's own leadership, and its end when the lease is not renewed.</summary>
public sealed class EtcdLeadershipTests : IAsyncLifetime
{
    private EtcdTestKit _kit = null!;

    public async ValueTask InitializeAsync() => _kit = await StartAsync();

    public ValueTask DisposeAsync() => _kit.DisposeAsync();

    [Fact]
    public async Task Campaign_wins_once_and_another_node_gets_null_while_it_is_held()
    {
        var a = _kit.Connect();
        var b = _kit.Connect();
        var leaseA = await a.GrantLeaseAsync(Ttl, Ct);
        var leaseB = await b.GrantLeaseAsync(Ttl, Ct);

        var epoch = await a.CampaignAsync("node-a", leaseA.Id, Ct);

        Assert.NotNull(epoch);
        Assert.Null(await b.CampaignAsync("node-b", leaseB.Id, Ct));
        // A's second campaign on the same lease finds its own key: the same leadership, not a new one.
        Assert.Equal(epoch, await a.CampaignAsync("node-a", leaseA.Id, Ct));
        // The same node on another lease (a restarted process) does not hold the old leadership.
        var otherLeaseA = await a.GrantLeaseAsync(Ttl, Ct);
        Assert.Null(await a.CampaignAsync("node-a", otherLeaseA.Id, Ct));
        Assert.Equal(new LeaderInfo("node-a", epoch.Value, leaseA.Id), await b.GetLeaderAsync(Ct));
    }

    [Fact]
    public async Task The_epoch_is_the_leader_key_create_revision_and_grows_with_each_new_leadership()
    {
        var a = _kit.Connect();
        var b = _kit.Connect();
        var raw = _kit.Raw();
        var leaseA = await a.GrantLeaseAsync(Ttl, Ct);
        var leaseB = await b.GrantLeaseAsync(Ttl, Ct);

        var first = await a.CampaignAsync("node-a", leaseA.Id, Ct);
        var stored = (await raw.GetAsync("/spartan/test/leader", cancellationToken: Ct)).Kvs.Single();
        Assert.Equal(stored.CreateRevision, first);
        Assert.Equal("node-a", stored.Value.ToStringUtf8());
        Assert.Equal(leaseA.Id, stored.Lease);

        // Unrelated writes move the store's revision on; the epoch stays the key's creation.
        await a.PutMemberAsync(Member("node-a", 5, first!.Value), leaseA.Id, Ct);
        Assert.Equal(first, (await b.GetLeaderAsync(Ct))?.Epoch);

        Assert.True(await a.ResignAsync("node-a", first.Value, Ct));
        var second = await b.CampaignAsync("node-b", leaseB.Id, Ct);
        Assert.NotNull(second);
        Assert.True(second > first, $"epoch {second} after {first}");
        Assert.Equal((await raw.GetAsync("/spartan/test/leader", cancellationToken: Ct)).Kvs.Single().CreateRevision, second);

        // The first node leading again is a new leadership too, with a higher epoch.
        Assert.True(await b.ResignAsync("node-b", second.Value, Ct));
        var third = await a.CampaignAsync("node-a", leaseA.Id, Ct);
        Assert.True(third > second, $"epoch {third} after {second}");
    }

    [Fact]
    public async Task Resign_deletes_the_leader_key_only_when_it_is_still_ours()
    {
        var a = _kit.Connect();
        var b = _kit.Connect();
        var leaseA = await a.GrantLeaseAsync(Ttl, Ct);
        var leaseB = await b.GrantLeaseAsync(Ttl, Ct);
        var epochA = (await a.CampaignAsync("node-a", leaseA.Id, Ct))!.Value;

        Assert.False(await b.ResignAsync("node-b", epochA, Ct)); // right epoch, wrong node
        Assert.False(await a.ResignAsync("node-a", epochA + 1, Ct)); // right node, wrong epoch
        Assert.Equal("node-a", (await b.GetLeaderAsync(Ct))?.Node);

        Assert.True(await a.ResignAsync("node-a", epochA, Ct));
        Assert.Null(await b.GetLeaderAsync(Ct));
        Assert.False(await a.ResignAsync("node-a", epochA, Ct)); // nothing left to resign

        // A stale resignation of A's old leadership leaves B's alone.
        var epochB = (await b.CampaignAsync("node-b", leaseB.Id, Ct))!.Value;
        Assert.False(await a.ResignAsync("node-a", epochA, Ct));
        Assert.Equal(new LeaderInfo("node-b", epochB, leaseB.Id), await a.GetLeaderAsync(Ct));
    }

    [Fact]
    public async Task A_lease_left_unrenewed_expires_deleting_the_leader_key_and_the_watch_reports_it()
    {
        var a = _kit.Connect();
        var watcher = _kit.Connect();
        var watch = _kit.Watch(watcher);
        Assert.Null((await watch.NextAsync("that nobody leads yet")).Leader);

        var lease = await a.GrantLeaseAsync(Ttl, Ct);
        Assert.Equal(Ttl, lease.Ttl);
        var epoch = (await a.CampaignAsync("node-a", lease.Id, Ct))!.Value;
        var taken = await watch.NextAsync("the campaign's put");
        Assert.Equal(new LeaderInfo("node-a", epoch, lease.Id), taken.Leader);
        Assert.Equal(epoch, taken.Revision);

        // A stops renewing (as a frozen or partitioned primary would): etcd expires the lease after its ttl.
        var gone = await watch.NextAsync("the deletion when the lease expired");
        Assert.Null(gone.Leader);
        Assert.True(gone.Revision > epoch);
        Assert.Null(await watcher.GetLeaderAsync(Ct));
        Assert.False(await a.KeepAliveOnceAsync(lease.Id, Ct));
        await Assert.ThrowsAsync<LeaseNotFoundException>(() => a.CampaignAsync("node-a", lease.Id, Ct));
    }

    [Fact]
    public async Task Renewing_the_lease_holds_the_leadership_past_its_ttl()
    {
        var a = _kit.Connect();
        var lease = await a.GrantLeaseAsync(Ttl, Ct);
        var epoch = (await a.CampaignAsync("node-a", lease.Id, Ct))!.Value;

        // Renew every third of the ttl for twice the ttl: real time passing is what is under test here.
        for (var i = 0; i < 6; i++)
        {
            Assert.True(await a.KeepAliveOnceAsync(lease.Id, Ct), $"renewal {i}");
            await Task.Delay(Ttl / 3, Ct);
        }

        Assert.Equal(new LeaderInfo("node-a", epoch, lease.Id), await a.GetLeaderAsync(Ct));
    }

    [Fact]
    public async Task Clusters_with_different_names_lead_apart_on_one_etcd()
    {
        var one = _kit.Connect("one");
        var two = _kit.Connect("two");
        var lease = await one.GrantLeaseAsync(Ttl, Ct);

        Assert.NotNull(await one.CampaignAsync("node-a", lease.Id, Ct));
        Assert.NotNull(await two.CampaignAsync("node-a", lease.Id, Ct));
        Assert.Equal("node-a", (await two.GetLeaderAsync(Ct))?.Node);
        Assert.Throws<ArgumentException>(() => _kit.Connect("a/b"));
    }

    internal static ClusterMember Member(string node, long applied, long epoch, string role = ClusterMember.Replica) =>
        new(node, $"127.0.0.1:{5680 + node.Length}", $"127.0.0.1:{12345 + node.Length}", applied, epoch, role);
}
