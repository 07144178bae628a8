using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Spartan.EndToEnd.Tests.Cluster;

/// <summary>SPEC §13 end to end: a real etcd and three real nodes. One leader at bootstrap, seen alike by all; SIGKILL
/// of the primary under write load, five times, with ack = "replica": a new primary with a higher epoch within ttl + 5 s
/// each time, and not one acknowledged push lost; a frozen primary answers 503 when it wakes and rejoins as a replica
/// holding the leader's events; a switchover loses nothing.</summary>
[Collection("Replication")]
public sealed class ClusterFailoverTests
{
    private const int SigStop = 19;
    private const int SigCont = 18;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Three_nodes_elect_one_leader_and_every_node_shows_the_same_cluster()
    {
        await using var cluster = await EtcdCluster.StartAsync();

        var (leader, epoch) = await cluster.LeaderAsync(EtcdCluster.FailoverBound * 2);

        string? agreed = null;
        await ReplicationHelpers.WaitUntilAsync(async () =>
        {
            var views = new List<string>();
            foreach (var member in cluster.Members)
            {
                if (await member.ClusterAsync() is not { } view || view.GetProperty("members").GetArrayLength() != 3) return false;
                views.Add(Summary(view));
            }

            agreed = views.Distinct().Count() == 1 ? views[0] : null;
            return agreed is not null;
        }, TimeSpan.FromSeconds(10), () => $"the nodes disagree on the cluster\n{cluster.Logs()}");

        Assert.Equal($"e2e|{leader.Node.Name}|{epoch}|n1:primary=" + (leader.Node.Name == "n1") + ",n2:primary=" + (leader.Node.Name == "n2")
                     + ",n3:primary=" + (leader.Node.Name == "n3"), agreed);
        foreach (var member in cluster.Members.Where(m => m != leader))
        {
            Assert.Equal("replica", await member.RoleAsync());
            using var refused = await member.Node.Http.PostAsync("/q", new StringContent("""{"body":"to a replica"}"""), Ct);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
            Assert.Equal("Not primary", (await refused.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("title").GetString());
            Assert.Equal(leader.Address.ToString().TrimEnd('/'), refused.Headers.GetValues("Spartan-Leader").Single());
        }

        using var accepted = await leader.Node.Http.PostAsync("/q", new StringContent("""{"body":"to the primary"}"""), Ct);
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);

        // Role and epoch are metrics too, on every node.
        foreach (var member in cluster.Members)
        {
            var metrics = await member.Node.Http.GetStringAsync("/_/metrics", Ct);
            Assert.Contains($"spartan_cluster_role {(member == leader ? 1 : 0)}\n", metrics, StringComparison.Ordinal);
            Assert.Contains($"spartan_cluster_epoch {epoch}\n", metrics, StringComparison.Ordinal);
            Assert.Contains("spartan_cluster_lease_renewals_total{result=\"ok\"}", metrics, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Killing_the_primary_five_times_under_load_loses_no_acknowledged_push_with_ack_replica()
    {
        await using var cluster = await EtcdCluster.StartAsync(ack: "replica");
        var (leader, epoch) = await cluster.LeaderAsync(EtcdCluster.FailoverBound * 2);
        await using var writers = new ClusterWriters(cluster);
        writers.Start();

        for (var round = 1; round <= 5; round++)
        {
            var before = writers.Count;
            await ReplicationHelpers.WaitUntilAsync(() => Task.FromResult(writers.Count >= before + 200), TimeSpan.FromSeconds(30),
                () => $"round {round}: the writers made no progress on {leader.Node.Name}\n{cluster.Logs()}");

            var killed = Stopwatch.StartNew();
            await leader.KillAsync();
            var (next, nextEpoch) = await cluster.LeaderAsync(EtcdCluster.FailoverBound, after: epoch);
            Assert.True(nextEpoch > epoch);
            var acknowledged = writers.Count;
            await ReplicationHelpers.WaitUntilAsync(() => Task.FromResult(writers.Count > acknowledged),
                EtcdCluster.FailoverBound - killed.Elapsed + TimeSpan.FromSeconds(1),
                () => $"round {round}: no write acknowledged by {next.Node.Name} within ttl + 5 s of the kill\n{cluster.Logs()}");

            await leader.StartAsync(); // the old primary rejoins as a replica
            (leader, epoch) = (next, nextEpoch);
        }

        await writers.StopAsync();
        await AssertNothingLostAsync(cluster, writers);
    }

    [Fact]
    public async Task A_primary_frozen_past_its_lease_answers_503_when_it_wakes_and_rejoins_as_a_replica()
    {
        await using var cluster = await EtcdCluster.StartAsync(ack: "local");
        var (frozen, epoch) = await cluster.LeaderAsync(EtcdCluster.FailoverBound * 2);
        using (var first = await frozen.Node.Http.PostAsync("/q", new StringContent("""{"body":"before"}"""), Ct))
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);

        // Both replicas hold what it acknowledged, so that the new primary's history continues this one's (with
        // ack = "local" a write they had not received would be lost, and the frozen node would be re-seeded by a snapshot).
        await ReplicationHelpers.WaitUntilAsync(async () =>
            await frozen.ClusterAsync() is { } view && view.GetProperty("members").EnumerateArray()
                .All(m => m.GetProperty("lag_events").GetInt64() == 0 && m.GetProperty("applied").GetInt64() > 0),
            TimeSpan.FromSeconds(10), () => $"the replicas did not catch up with {frozen.Node.Name}\n{cluster.Logs()}");

        frozen.Node.Signal(SigStop);
        try
        {
            var (next, _) = await LeaderAsync(cluster, frozen, epoch);
            using (var meanwhile = await next.Node.Http.PostAsync("/q", new StringContent("""{"body":"to the new primary"}"""), Ct))
                Assert.Equal(HttpStatusCode.OK, meanwhile.StatusCode);

            // Sent while it is frozen, read when it wakes: its lease is long gone, so it must not acknowledge.
            var late = frozen.Node.Http.PostAsync("/q", new StringContent("""{"body":"to the frozen primary"}"""), Ct);
            await Task.Delay(200, Ct); // the request is on its socket before the node wakes
            frozen.Node.Signal(SigCont);
            using var answer = await late;
            Assert.Equal(HttpStatusCode.ServiceUnavailable, answer.StatusCode);
            Assert.Equal("Not primary", (await answer.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("title").GetString());
        }
        finally
        {
            frozen.Node.Signal(SigCont);
        }

        await ReplicationHelpers.WaitUntilAsync(async () => await frozen.RoleAsync() == "replica", EtcdCluster.FailoverBound,
            () => $"{frozen.Node.Name} did not rejoin as a replica\n{cluster.Logs()}");
        var (leader, _) = await cluster.LeaderAsync(EtcdCluster.FailoverBound, after: epoch);
        await AssertSameEventsAsync(leader, frozen, cluster);
    }

    [Fact]
    public async Task A_switchover_under_load_hands_over_to_the_named_node_and_loses_nothing()
    {
        await using var cluster = await EtcdCluster.StartAsync(ack: "replica");
        var (leader, epoch) = await cluster.LeaderAsync(EtcdCluster.FailoverBound * 2);
        var target = cluster.Members.First(m => m != leader);
        await using var writers = new ClusterWriters(cluster);
        writers.Start();
        await ReplicationHelpers.WaitUntilAsync(() => Task.FromResult(writers.Count >= 200), TimeSpan.FromSeconds(30),
            () => $"the writers made no progress\n{cluster.Logs()}");

        var (code, command) = await SpartanProcess.RunAsync(leader.Node.FolderPath, "cluster", "switchover", "--to", target.Node.Name);
        await using (command)
            Assert.True(code == 0, $"switchover exited {code}: {command.Stdout}{command.Stderr}\n{cluster.Logs()}");

        var (now, nowEpoch) = await cluster.LeaderAsync(EtcdCluster.FailoverBound, after: epoch);
        Assert.Equal(target.Node.Name, now.Node.Name);
        Assert.True(nowEpoch > epoch);
        var handed = writers.Count;
        await ReplicationHelpers.WaitUntilAsync(() => Task.FromResult(writers.Count > handed + 100), TimeSpan.FromSeconds(30),
            () => $"no writes after the switchover\n{cluster.Logs()}");
        await writers.StopAsync();
        await AssertNothingLostAsync(cluster, writers, minimum: 300);
    }

    [Fact]
    public async Task With_ack_replica_and_no_replica_a_write_fails_503_after_the_ttl_and_reads_go_on()
    {
        await using var cluster = await EtcdCluster.StartAsync(nodes: 1, ack: "replica");
        var (alone, _) = await cluster.LeaderAsync(EtcdCluster.FailoverBound * 2);

        using var write = await alone.Node.Http.PostAsync("/q", new StringContent("""{"body":"nobody to copy it"}"""), Ct);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, write.StatusCode);
        Assert.Equal("Storage unavailable", (await write.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("title").GetString());
        using var read = await alone.Node.Http.GetAsync("/q/size", Ct);
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
    }

    [Fact]
    public async Task Switchover_to_a_node_that_is_not_a_member_exits_2()
    {
        await using var cluster = await EtcdCluster.StartAsync(nodes: 1);
        await cluster.LeaderAsync(EtcdCluster.FailoverBound * 2);

        var (code, command) = await SpartanProcess.RunAsync(cluster.Members[0].Node.FolderPath, "cluster", "switchover", "--to", "nobody");
        await using (command)
        {
            Assert.Equal(2, code);
            Assert.Contains("nobody is not a live member", command.Stderr, StringComparison.Ordinal);
        }
    }

    /// <summary>Waits for a leader other than <paramref name="frozen"/> (which cannot answer while stopped).</summary>
    private static async Task<(EtcdCluster.Member, long)> LeaderAsync(EtcdCluster cluster, EtcdCluster.Member frozen, long after)
    {
        (EtcdCluster.Member, long)? found = null;
        await ReplicationHelpers.WaitUntilAsync(async () =>
        {
            foreach (var member in cluster.Members.Where(m => m != frozen))
            {
                if (await member.ClusterAsync() is not { } view || view.GetProperty("leader").GetString() != member.Node.Name) continue;
                var epoch = view.GetProperty("epoch").GetInt64();
                if (epoch <= after || await member.RoleAsync() != "primary") continue;
                found = (member, epoch);
                return true;
            }

            return false;
        }, EtcdCluster.FailoverBound, () => $"no other node took over from the frozen {frozen.Node.Name}\n{cluster.Logs()}");
        return found!.Value;
    }

    /// <summary>Every node holds the leader's event log, and every push acknowledged with a 200 is in it.</summary>
    private static async Task AssertNothingLostAsync(EtcdCluster cluster, ClusterWriters writers, int minimum = 1000)
    {
        var (leader, _) = await cluster.LeaderAsync(EtcdCluster.FailoverBound);
        foreach (var member in cluster.Members.Where(m => m != leader)) await AssertSameEventsAsync(leader, member, cluster);

        var held = new HashSet<string>(StringComparer.Ordinal);
        foreach (var line in (await leader.Node.DumpAsync("--queue", "q")).Split('\n', StringSplitOptions.RemoveEmptyEntries))
            held.Add(JsonDocument.Parse(line).RootElement.GetProperty("id").GetString()!);
        var lost = writers.Acknowledged.Where(id => !held.Contains(id)).ToList();
        Assert.True(writers.Count > minimum, $"only {writers.Count} pushes were acknowledged: too few to tell");
        Assert.True(lost.Count == 0, $"{lost.Count} of {writers.Count} acknowledged pushes are missing, e.g. {string.Join(", ", lost.Take(5))}\n{cluster.Logs()}");
    }

    /// <summary>Waits until <paramref name="replica"/>'s <c>dump --events</c> equals the leader's.</summary>
    private static async Task AssertSameEventsAsync(EtcdCluster.Member leader, EtcdCluster.Member replica, EtcdCluster cluster)
    {
        string ours = "", theirs = "";
        await ReplicationHelpers.WaitUntilAsync(async () =>
        {
            ours = await leader.Node.DumpAsync("--events");
            theirs = await replica.Node.DumpAsync("--events");
            return ours == theirs;
        }, TimeSpan.FromSeconds(30), () => $"{replica.Node.Name} holds {ReplicationHelpers.Lines(theirs)} events, the leader " +
                                           $"{leader.Node.Name} {ReplicationHelpers.Lines(ours)}\n{cluster.Logs()}");
        Assert.True(ReplicationHelpers.Lines(ours) > 0, "the leader holds no event: nothing was compared");
    }

    private static string Summary(JsonElement view) =>
        $"{view.GetProperty("name").GetString()}|{view.GetProperty("leader").GetString()}|{view.GetProperty("epoch").GetInt64()}|" +
        string.Join(",", view.GetProperty("members").EnumerateArray()
            .Select(m => $"{m.GetProperty("node").GetString()}:primary={m.GetProperty("role").GetString() == "primary"}"));
}
