using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Spartan.EndToEnd.Tests.Cluster;

/// <summary>SPEC §13 with etcd gone: the primary stops taking writes once its lease may have run out, every node keeps
/// serving reads, nobody becomes primary without etcd, and a primary is elected again when etcd returns.</summary>
[Collection("Replication")]
public sealed class ClusterEtcdOutageTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Without_etcd_the_primary_stops_taking_writes_reads_go_on_and_leadership_returns_with_etcd()
    {
        await using var cluster = await EtcdCluster.StartAsync(ack: "local");
        var (leader, _) = await cluster.LeaderAsync(EtcdCluster.FailoverBound * 2);
        using (var before = await leader.Node.Http.PostAsync("/q", new StringContent("""{"body":"while etcd is up"}"""), Ct))
            Assert.Equal(HttpStatusCode.OK, before.StatusCode);

        await cluster.Etcd.KillAsync();

        HttpStatusCode status = HttpStatusCode.OK;
        string? title = null;
        await ReplicationHelpers.WaitUntilAsync(async () =>
        {
            using var write = await leader.Node.Http.PostAsync("/q", new StringContent("""{"body":"while etcd is away"}"""), Ct);
            status = write.StatusCode;
            title = status == HttpStatusCode.OK ? null : (await write.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("title").GetString();
            return status != HttpStatusCode.OK;
        }, EtcdCluster.Ttl + TimeSpan.FromSeconds(2), () => $"{leader.Node.Name} still takes writes without etcd\n{cluster.Logs()}");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
        Assert.Equal("Not primary", title);

        // Past the lease: nobody is primary, and every node serves reads.
        await ReplicationHelpers.WaitUntilAsync(async () =>
        {
            foreach (var member in cluster.Members)
                if (await member.RoleAsync() != "replica") return false;
            return true;
        }, EtcdCluster.FailoverBound, () => $"a node still says it is primary without etcd\n{cluster.Logs()}");
        foreach (var member in cluster.Members)
        {
            var size = await member.Node.Http.GetFromJsonAsync<JsonElement>("/q/size", Ct);
            Assert.True(size.GetProperty("size").GetInt64() >= 0);
        }

        await cluster.Etcd.RestartAsync(Ct);
        var (back, _) = await cluster.LeaderAsync(EtcdCluster.FailoverBound * 2);
        using var after = await back.Node.Http.PostAsync("/q", new StringContent("""{"body":"etcd is back"}"""), Ct);
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
    }

    [Fact]
    public async Task A_node_that_starts_without_etcd_serves_reads_and_answers_writes_not_primary()
    {
        using var nobody = new ReservedPort(); // bound, never listening: connections to it are refused
        await using var node = new ReplicationNode("n1");
        node.WriteConfig($"""
            queues = ["q"]
            [cluster]
            name = "e2e"
            node = "n1"
            etcd = ["http://127.0.0.1:{nobody.Port}"]
            ttl = {EtcdCluster.TtlSeconds}
            advertise_http = "127.0.0.1:0"
            advertise_replication = "127.0.0.1:0"
            """);

        await node.StartAsync("start");

        using var write = await node.Http.PostAsync("/q", new StringContent("""{"body":"no etcd"}"""), Ct);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, write.StatusCode);
        Assert.Equal("Not primary", (await write.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("title").GetString());
        Assert.False(write.Headers.Contains("Spartan-Leader"));
        using var read = await node.Http.GetAsync("/q/size", Ct);
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        // It keeps trying, and says so.
        await ReplicationHelpers.WaitForLogAsync(node, "etcd is out of reach", EtcdCluster.Ttl * 2);
    }

    [Fact]
    public async Task A_cluster_node_refuses_to_run_as_spartan_replica()
    {
        await using var node = new ReplicationNode("n1");
        node.WriteConfig("""
            queues = ["q"]
            [cluster]
            name = "e2e"
            node = "n1"
            etcd = ["http://127.0.0.1:2379"]
            advertise_http = "127.0.0.1:0"
            advertise_replication = "127.0.0.1:0"
            """);

        var (code, process) = await SpartanProcess.RunAsync(node.FolderPath, "replica");
        await using (process)
        {
            Assert.Equal(2, code);
            Assert.Contains("run `spartan start` on every cluster node", process.Stderr, StringComparison.Ordinal);
        }
    }
}
