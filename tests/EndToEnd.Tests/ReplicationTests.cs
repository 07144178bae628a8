using System.Net.Http.Json;
using System.Net;
using System.Text.Json;
using static Spartan.EndToEnd.Tests.ReplicationHelpers;

namespace Spartan.EndToEnd.Tests;

/// <summary>SPEC §7 proven on real processes over loopback: a replica receives every operation of a loaded primary,
/// in order and exactly once (its <c>dump</c> equals the primary's), follows it during the load, is not held back by a dead
/// sibling, refuses writes, and serves everything it received once promoted.</summary>
[Collection("Replication")]
public sealed class ReplicationTests
{
    private static readonly TimeSpan Soon = TimeSpan.FromSeconds(10);
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Ten_thousand_mixed_operations_reach_the_replica_identically_and_it_follows_during_the_load()
    {
        await using var pair = await ReplicationPair.StartLogAsync(AnyPort);
        var (primary, replica, port) = (pair.Primary, pair.Replica, pair.ReplicaPort);
        await WaitForLogAsync(primary, $"Replica {Address(port)} connected", Soon);

        var load = new ReplicationLoad(primary.Http, seed: 1);
        var running = load.RunAsync(10_000, ct: Ct);
        // Markers pushed while the load runs are served by the replica before the load ends: it follows the stream as
        // it is written, not only once the primary is idle. (How soon: `bench replication`.)
        var markers = 0;
        var sampling = Task.Run(async () =>
        {
            do
            {
                await AssertMarkerArrivesAsync(primary, replica, Soon);
                markers++;
            }
            while (!running.IsCompleted);
        }, Ct);
        await running.WaitAsync(TimeSpan.FromMinutes(3), Ct);
        await sampling.WaitAsync(Soon, Ct);
        await AssertMarkerArrivesAsync(primary, replica, Soon);

        Assert.True(load.Operations >= 10_000);
        await WaitCaughtUpAsync(primary, replica, port, Soon);

        // The replica is read-only: writes, pops included, answer 503.
        using (var push = await replica.Http.PostAsync("/q", new StringContent("""{"body":"no"}"""), Ct))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, push.StatusCode);
            Assert.Equal("Read-only replica", (await push.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("title").GetString());
        }

        using (var pop = await replica.Http.GetAsync("/q", Ct)) Assert.Equal(HttpStatusCode.ServiceUnavailable, pop.StatusCode);
        Assert.Equal("replica", (await replica.GetJsonAsync("/_/health")).GetProperty("role").GetString());

        await replica.StopAsync();
        await primary.StopAsync();
        await AssertSameDumpsAsync(primary, replica);
        TestContext.Current.TestOutputHelper?.WriteLine($"{load.Operations} operations in {load.Requests} requests; {markers} markers during the load");
    }

    [Fact]
    public async Task A_dead_second_replica_does_not_hold_back_the_live_one()
    {
        using var dead = new ReservedPort(); // bound for the whole test, never listening: nobody ever answers there
        await using var primary = new ReplicationNode("primary");
        await using var replica = new ReplicationNode("replica");
        replica.WriteConfig(ReplicaConfig(AnyPort, Persistence("log")));
        await replica.StartAsync("replica");
        var live = replica.ReplicationPort;
        primary.WriteConfig(PrimaryConfig([dead.Port, live], Persistence("log")));
        await primary.StartAsync("start");

        var load = new ReplicationLoad(primary.Http, seed: 3);
        await load.RunAsync(5_000, ct: Ct).WaitAsync(TimeSpan.FromMinutes(2), Ct);
        await AssertMarkerArrivesAsync(primary, replica, Soon);
        await WaitCaughtUpAsync(primary, replica, live, Soon);

        Assert.False((await LinkAsync(primary, dead.Port)).Connected);
        await WaitForLogAsync(primary, $"Replica {Address(dead.Port)}: ", Soon, times: 2); // it keeps trying the dead one
        await replica.StopAsync();
        await primary.StopAsync();
        await AssertSameDumpsAsync(primary, replica);
    }

    [Fact]
    public async Task A_promoted_replica_serves_everything_it_received_and_accepts_writes()
    {
        await using var pair = await ReplicationPair.StartLogAsync(AnyPort);
        var (primary, replica, port) = (pair.Primary, pair.Replica, pair.ReplicaPort);
        await new ReplicationLoad(primary.Http, seed: 4).RunAsync(2_000, ct: Ct).WaitAsync(TimeSpan.FromMinutes(2), Ct);
        await WaitCaughtUpAsync(primary, replica, port, Soon);
        await primary.StopAsync();
        await replica.StopAsync();
        var messages = await primary.DumpAsync("--queue", "q");
        var counts = await primary.DumpAsync();

        // `start` refuses a folder still configured as a replica, and says how to promote it.
        var (refused, refusal) = await SpartanProcess.RunAsync(replica.FolderPath, "start", "--host", "127.0.0.1:0");
        await using (refusal)
        {
            Assert.Equal(2, refused);
            Assert.Contains("spartan replica", refusal.Stderr);
        }

        using var absent = new ReservedPort(); // the promoted primary's own replica, which this test never starts
        replica.WriteConfig(PromotedConfig(absent.Port, Persistence("log")));
        await replica.StartAsync("start");
        Assert.Equal("primary", (await replica.GetJsonAsync("/_/health")).GetProperty("role").GetString());
        Assert.Equal(messages, await replica.DumpAsync("--queue", "q"));
        Assert.Equal(counts, await replica.DumpAsync());

        // Everything received is served: a message still reserved on the old primary can be deleted by its id …
        var reserved = messages.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => JsonDocument.Parse(line).RootElement)
            .First(m => m.GetProperty("status").GetString() == "Transit");
        var id = reserved.GetProperty("id").GetString();
        Assert.Equal("Transit", (await replica.GetJsonAsync($"/q/messages/{id}")).GetProperty("state").GetProperty("status").GetString());
        using (var delete = new HttpRequestMessage(HttpMethod.Delete, "/q") { Content = new StringContent($$"""{"id":"{{id}}"}""") })
        using (var deleted = await replica.Http.SendAsync(delete, Ct))
            Assert.Equal(HttpStatusCode.OK, deleted.StatusCode);

        // … and it takes writes and pops like any primary.
        using (var push = await replica.Http.PostAsync("/q", new StringContent("""{"body":"after promotion","priority":255}"""), Ct))
            Assert.Equal(HttpStatusCode.OK, push.StatusCode);
        Assert.Equal("after promotion", (await replica.GetJsonAsync("/q")).GetProperty("body").GetString());
        var size = (await replica.GetJsonAsync("/q/size")).GetProperty("size").GetInt32();
        Assert.Equal(Lines(messages), size); // one deleted, one pushed
        await replica.StopAsync();

        // Promotion by removing [replication] altogether works the same.
        replica.WriteConfig($"""
            queues = ["q", "lag"]
            {Persistence("log")}
            """);
        await replica.StartAsync("start");
        Assert.Equal("standalone", (await replica.GetJsonAsync("/_/health")).GetProperty("role").GetString());
        Assert.Equal(size, (await replica.GetJsonAsync("/q/size")).GetProperty("size").GetInt32());
        using (var push = await replica.Http.PostAsync("/q", new StringContent("""{"body":"standalone"}"""), Ct))
            Assert.Equal(HttpStatusCode.OK, push.StatusCode);
        await replica.StopAsync();
    }
}
