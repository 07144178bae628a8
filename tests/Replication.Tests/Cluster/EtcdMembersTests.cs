using System.Text.Json;
using Spartan.Replication.Cluster;
using static Spartan.Replication.Tests.Cluster.EtcdTestKit;

namespace Spartan.Replication.Tests.Cluster;

/// <summary>Member records, leases and the switchover request on a real etcd.</summary>
public sealed class EtcdMembersTests : IAsyncLifetime
{
    private EtcdTestKit _kit = null!;

    public async ValueTask InitializeAsync() => _kit = await StartAsync();

    public ValueTask DisposeAsync() => _kit.DisposeAsync();

    [Fact]
    public async Task Members_round_trip_as_json_and_vanish_with_their_lease()
    {
        var a = _kit.Connect();
        var b = _kit.Connect();
        var leaseA = await a.GrantLeaseAsync(Ttl, Ct);
        var leaseB = await b.GrantLeaseAsync(Ttl, Ct);
        var memberA = new ClusterMember("node-a", "127.0.0.1:5680", "127.0.0.1:12345", 41, 7, ClusterMember.Primary);
        var memberB = new ClusterMember("node-b", "127.0.0.1:5681", "127.0.0.1:12346", 40, 7, ClusterMember.Replica);

        await b.PutMemberAsync(memberB, leaseB.Id, Ct);
        await a.PutMemberAsync(memberA, leaseA.Id, Ct);

        Assert.Equal([memberA, memberB], await b.GetMembersAsync(Ct));
        // Stored as the SPEC's snake_case JSON, on the member's lease.
        var stored = (await _kit.Raw().GetAsync("/spartan/test/members/node-a", cancellationToken: Ct)).Kvs.Single();
        Assert.Equal(leaseA.Id, stored.Lease);
        using (var json = JsonDocument.Parse(stored.Value.Memory))
        {
            Assert.Equal("node-a", json.RootElement.GetProperty("node").GetString());
            Assert.Equal("127.0.0.1:5680", json.RootElement.GetProperty("http").GetString());
            Assert.Equal("127.0.0.1:12345", json.RootElement.GetProperty("replication").GetString());
            Assert.Equal(41, json.RootElement.GetProperty("applied").GetInt64());
            Assert.Equal(7, json.RootElement.GetProperty("epoch").GetInt64());
            Assert.Equal("primary", json.RootElement.GetProperty("role").GetString());
        }

        // A put replaces the record.
        var advanced = memberB with { Applied = 41 };
        await b.PutMemberAsync(advanced, leaseB.Id, Ct);
        Assert.Equal([memberA, advanced], await a.GetMembersAsync(Ct));

        // The lease going takes the record with it.
        await a.RevokeAsync(leaseA.Id, Ct);
        Assert.Equal([advanced], await b.GetMembersAsync(Ct));
    }

    [Fact]
    public async Task A_record_that_is_not_a_member_is_skipped_not_fatal()
    {
        var a = _kit.Connect();
        var lease = await a.GrantLeaseAsync(Ttl, Ct);
        var member = new ClusterMember("node-a", "h", "r", 1, 1, ClusterMember.Replica);
        await a.PutMemberAsync(member, lease.Id, Ct);
        var raw = _kit.Raw();
        await raw.PutAsync("/spartan/test/members/garbage", "not json", cancellationToken: Ct);
        await raw.PutAsync("/spartan/test/members/partial", """{"node":"partial"}""", cancellationToken: Ct);

        Assert.Equal([member], await a.GetMembersAsync(Ct));
    }

    [Fact]
    public async Task Keep_alive_answers_false_once_the_lease_is_revoked()
    {
        var a = _kit.Connect();
        var lease = await a.GrantLeaseAsync(Ttl, Ct);
        Assert.True(await a.KeepAliveOnceAsync(lease.Id, Ct));

        await a.RevokeAsync(lease.Id, Ct);

        Assert.False(await a.KeepAliveOnceAsync(lease.Id, Ct));
        await a.RevokeAsync(lease.Id, Ct); // already gone: not an error
        var error = await Assert.ThrowsAsync<LeaseNotFoundException>(() =>
            a.PutMemberAsync(new ClusterMember("node-a", "h", "r", 0, 0, ClusterMember.Replica), lease.Id, Ct));
        Assert.Equal(lease.Id, error.LeaseId);
        await Assert.ThrowsAsync<LeaseNotFoundException>(() => a.CampaignAsync("node-a", lease.Id, Ct));
        Assert.Empty(await a.GetMembersAsync(Ct));
    }

    [Fact]
    public async Task A_ttl_is_asked_in_whole_seconds_rounded_up()
    {
        var a = _kit.Connect();

        var lease = await a.GrantLeaseAsync(TimeSpan.FromMilliseconds(1200), Ct);

        Assert.Equal(TimeSpan.FromSeconds(2), lease.Ttl);
    }

    [Fact]
    public async Task A_switchover_request_is_replaced_by_a_newer_one_and_cleared_only_by_its_own_target()
    {
        var a = _kit.Connect();
        Assert.Null(await a.GetSwitchoverAsync(Ct));

        await a.RequestSwitchoverAsync("node-b", Ct);
        Assert.Equal("node-b", await a.GetSwitchoverAsync(Ct));
        await a.RequestSwitchoverAsync("node-c", Ct);
        Assert.Equal("node-c", await a.GetSwitchoverAsync(Ct));

        Assert.False(await a.ClearSwitchoverAsync("node-b", Ct)); // the older request's target does not clear the newer
        Assert.Equal("node-c", await a.GetSwitchoverAsync(Ct));
        Assert.True(await a.ClearSwitchoverAsync("node-c", Ct));
        Assert.Null(await a.GetSwitchoverAsync(Ct));
    }
}
