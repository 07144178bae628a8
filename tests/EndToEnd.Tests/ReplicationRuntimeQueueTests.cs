using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using static Spartan.EndToEnd.Tests.ReplicationHelpers;

namespace Spartan.EndToEnd.Tests;

/// <summary>SPEC §10 with replication: queues created, changed and deleted on a primary reach a live replica as events, and
/// a replica that catches up from a snapshot receives them folded into it; the replica refuses the routes itself.</summary>
[Collection("Replication")]
public sealed class ReplicationRuntimeQueueTests
{
    private static readonly TimeSpan Soon = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan AfterBackoff = TimeSpan.FromSeconds(40);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<JsonElement> OkAsync(HttpClient http, HttpMethod method, string path, string? json = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (json is not null) request.Content = new StringContent(json);
        using var response = await http.SendAsync(request, Ct);
        var text = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.IsSuccessStatusCode, $"{method} {path}: {(int)response.StatusCode} {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    private static async Task<HttpStatusCode> StatusAsync(HttpClient http, HttpMethod method, string path)
    {
        using var request = new HttpRequestMessage(method, path) { Content = new StringContent("{}") };
        using var response = await http.SendAsync(request, Ct);
        return response.StatusCode;
    }

    /// <summary>A queue as <c>GET /_/queues/{name}</c> shows it, without the age that depends on when it is asked.</summary>
    private static async Task<string> DescribeAsync(ReplicationNode node, string name)
    {
        var queue = await OkAsync(node.Http, HttpMethod.Get, $"/_/queues/{name}");
        return string.Join(',', queue.EnumerateObject().Where(p => p.Name != "oldest_visible_age_s").Select(p => $"{p.Name}={p.Value.GetRawText()}"));
    }

    private static async Task PushAsync(HttpClient http, string queue, int count)
    {
        for (var i = 0; i < count; i++) await OkAsync(http, HttpMethod.Post, $"/{queue}", $$"""{"body":"{{queue}} {{i}}"}""");
    }

    [Fact]
    public async Task Queue_changes_reach_a_live_replica_as_events_and_the_replica_refuses_them_itself()
    {
        await using var pair = await ReplicationPair.StartLogAsync(AnyPort);
        var (primary, replica) = (pair.Primary, pair.Replica);
        await OkAsync(primary.Http, HttpMethod.Put, "/_/queues/jobs", """{"dead_letter":"q","max_tries":2}""");
        await PushAsync(primary.Http, "jobs", 5);
        await PushAsync(primary.Http, "q", 3);
        await OkAsync(primary.Http, HttpMethod.Patch, "/_/queues/jobs", """{"timeout":10}""");
        await OkAsync(primary.Http, HttpMethod.Put, "/_/queues/temp");
        await PushAsync(primary.Http, "temp", 1);
        await WaitCaughtUpAsync(primary, replica, pair.ReplicaPort, Soon);
        Assert.Equal(1, (await replica.GetJsonAsync("/temp/size")).GetProperty("size").GetInt32());

        await OkAsync(primary.Http, HttpMethod.Delete, "/_/queues/temp");
        await WaitCaughtUpAsync(primary, replica, pair.ReplicaPort, Soon);

        Assert.Equal(await DescribeAsync(primary, "jobs"), await DescribeAsync(replica, "jobs"));
        Assert.Equal(HttpStatusCode.NotFound, await StatusAsync(replica.Http, HttpMethod.Get, "/_/queues/temp"));
        Assert.Equal(HttpStatusCode.NotFound, await StatusAsync(replica.Http, HttpMethod.Get, "/temp/size"));
        foreach (var method in new[] { HttpMethod.Put, HttpMethod.Patch, HttpMethod.Delete })
            Assert.Equal(HttpStatusCode.ServiceUnavailable, await StatusAsync(replica.Http, method, "/_/queues/jobs"));

        await replica.StopAsync();
        await primary.StopAsync();
        await AssertSameDumpsAsync(primary, replica); // the event logs too: the queue events, in order
    }

    [Fact]
    public async Task A_replica_that_catches_up_from_a_snapshot_receives_the_queues_and_then_follows_their_changes()
    {
        using var reserved = new ReservedPort(); // the replica starts on it after the primary: nobody may take it meanwhile
        var port = reserved.Port;
        await using var primary = new ReplicationNode("primary");
        await using var replica = new ReplicationNode("replica");
        replica.WriteConfig(ReplicaConfig(port, Persistence("log")));
        // Snapshot mode keeps no event log, and a restart empties the in-memory ring: the replica can only get a snapshot.
        primary.WriteConfig(PrimaryConfig([port], Persistence("snapshot")));
        await primary.StartAsync("start");
        await OkAsync(primary.Http, HttpMethod.Put, "/_/queues/jobs", """{"dead_letter":"q","max_tries":2,"delay":0}""");
        await PushAsync(primary.Http, "jobs", 4);
        await OkAsync(primary.Http, HttpMethod.Put, "/_/queues/keep", """{"timeout":77}""");
        await OkAsync(primary.Http, HttpMethod.Put, "/_/queues/temp");
        await PushAsync(primary.Http, "temp", 2);
        await OkAsync(primary.Http, HttpMethod.Delete, "/_/queues/temp");
        await primary.StopAsync();
        await primary.StartAsync("start");

        await replica.StartAsync("replica");
        await WaitForLogAsync(primary, "sending a full snapshot", AfterBackoff);
        await WaitForLogAsync(replica, "Installed the primary's snapshot", Soon);
        await WaitCaughtUpAsync(primary, replica, port, Soon);
        Assert.Equal(await DescribeAsync(primary, "jobs"), await DescribeAsync(replica, "jobs"));
        Assert.Equal(await DescribeAsync(primary, "keep"), await DescribeAsync(replica, "keep"));
        Assert.Equal(HttpStatusCode.NotFound, await StatusAsync(replica.Http, HttpMethod.Get, "/_/queues/temp"));

        // Then the changes stream as events.
        await OkAsync(primary.Http, HttpMethod.Patch, "/_/queues/jobs", """{"max_tries":7}""");
        await OkAsync(primary.Http, HttpMethod.Delete, "/_/queues/keep");
        await OkAsync(primary.Http, HttpMethod.Put, "/_/queues/later");
        await PushAsync(primary.Http, "later", 1);
        await WaitCaughtUpAsync(primary, replica, port, Soon);
        Assert.Equal(await DescribeAsync(primary, "jobs"), await DescribeAsync(replica, "jobs"));
        Assert.Equal(await DescribeAsync(primary, "later"), await DescribeAsync(replica, "later"));
        Assert.Equal(HttpStatusCode.NotFound, await StatusAsync(replica.Http, HttpMethod.Get, "/_/queues/keep"));
        Assert.Equal(7, (await replica.GetJsonAsync("/_/queues/jobs")).GetProperty("settings").GetProperty("max_tries").GetInt32());
    }
}
