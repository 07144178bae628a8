using System.Diagnostics;
using System.Net.Http.Json;
using System.Net;
using System.Text.Json;
using static Spartan.EndToEnd.Tests.ReplicationHelpers;

namespace Spartan.EndToEnd.Tests;

/// <summary>SPEC §7 proven on real processes over loopback: a replica receives every operation of a loaded primary,
/// in order and exactly once (its <c>dump</c> equals the primary's), lags under a second, is not held back by a dead
/// sibling, refuses writes, and serves everything it received once promoted.</summary>
[Collection("Replication")]
public sealed class ReplicationTests
{
    private static readonly TimeSpan Soon = TimeSpan.FromSeconds(10);
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Ten_thousand_mixed_operations_reach_the_replica_identically_and_it_lags_under_a_second()
    {
        var port = FreePort();
        await using var pair = await ReplicationPair.StartLogAsync(port);
        var (primary, replica) = (pair.Primary, pair.Replica);
        await WaitForLogAsync(primary, $"Replica {Address(port)} connected", Soon);

        var load = new ReplicationLoad(primary.Http, seed: 1);
        var clock = Stopwatch.StartNew();
        var running = load.RunAsync(10_000, ct: Ct);
        var delays = new List<TimeSpan>();
        var sampling = Task.Run(async () =>
        {
            while (!running.IsCompleted) delays.Add(await MarkerDelayAsync(primary, replica, TimeSpan.FromSeconds(5), Ct));
        }, Ct);
        await running.WaitAsync(TimeSpan.FromMinutes(3), Ct);
        var loadTime = clock.Elapsed;
        await sampling.WaitAsync(Soon, Ct);
        var afterLast = await MarkerDelayAsync(primary, replica, TimeSpan.FromSeconds(5), Ct);

        Assert.True(load.Operations >= 10_000);
        Assert.True(delays.Count >= 3, $"only {delays.Count} lag samples during the load");
        var worst = delays.Append(afterLast).Max();
        Assert.True(worst < TimeSpan.FromSeconds(1),
            $"the replica served a write {worst.TotalMilliseconds:F0} ms after the primary acknowledged it (samples: " +
            string.Join(", ", delays.Select(d => d.TotalMilliseconds.ToString("F0", System.Globalization.CultureInfo.InvariantCulture))) + ")");
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
        TestContext.Current.TestOutputHelper?.WriteLine(
            $"{load.Operations} operations in {load.Requests} requests took {loadTime.TotalSeconds:F1} s; " +
            $"{delays.Count} lag samples, median {delays.Order().ElementAt(delays.Count / 2).TotalMilliseconds:F0} ms, worst {worst.TotalMilliseconds:F0} ms");
    }

    [Fact]
    public async Task A_dead_second_replica_does_not_hold_back_the_live_one()
    {
        var live = FreePort();
        var dead = FreePort(); // nobody ever listens there
        await using var primary = new ReplicationNode("primary");
        await using var replica = new ReplicationNode("replica");
        replica.WriteConfig(ReplicaConfig(live, Persistence("log")));
        primary.WriteConfig(PrimaryConfig([dead, live], Persistence("log")));
        await replica.StartAsync("replica");
        await primary.StartAsync("start");

        var load = new ReplicationLoad(primary.Http, seed: 3);
        await load.RunAsync(5_000, ct: Ct).WaitAsync(TimeSpan.FromMinutes(2), Ct);
        var delay = await MarkerDelayAsync(primary, replica, TimeSpan.FromSeconds(5), Ct);
        Assert.True(delay < TimeSpan.FromSeconds(1), $"the live replica served a write {delay.TotalMilliseconds:F0} ms after it was acknowledged");
        await WaitCaughtUpAsync(primary, replica, live, Soon);

        Assert.False((await LinkAsync(primary, dead)).Connected);
        await WaitForLogAsync(primary, $"Replica {Address(dead)}: ", Soon, times: 2); // it keeps trying the dead one
        await replica.StopAsync();
        await primary.StopAsync();
        await AssertSameDumpsAsync(primary, replica);
    }

    [Fact]
    public async Task A_promoted_replica_serves_everything_it_received_and_accepts_writes()
    {
        var port = FreePort();
        await using var pair = await ReplicationPair.StartLogAsync(port);
        var (primary, replica) = (pair.Primary, pair.Replica);
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

        replica.WriteConfig(PromotedConfig(FreePort(), Persistence("log")));
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
