using System.Net;
using System.Text.Json;

namespace Spartan.Api.Tests.Http;

/// <summary>The extended routes of SPEC §3.2: batches, touch, peek, get, stats, redrive, queue list.</summary>
public sealed class ExtendedRouteTests : IAsyncLifetime
{
    private const string Toml = """
        queues = ["default", "default-dead", "other"]
        body_size = 64
        [queue_settings.default]
        dead_letter = "default-dead"
        max_tries = 2
        """;

    private TestNode _node = null!;

    public async ValueTask InitializeAsync() => _node = await TestNode.StartAsync(Toml);

    public async ValueTask DisposeAsync() => await _node.DisposeAsync();

    private async Task<JsonElement> Json(HttpMethod method, string path, string? body = null)
    {
        var response = await _node.SendAsync(method, path, body);
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        return await TestNode.ReadAsync(response);
    }

    private async Task<int> SizeAsync(string queue) => (await Json(HttpMethod.Get, $"/{queue}/size")).GetProperty("size").GetInt32();

    [Fact]
    public async Task Batch_push_answers_ids_in_request_order_and_pop_sees_them_in_order()
    {
        var ids = (await Json(HttpMethod.Post, "/other/batch", """{"messages":[{"body":"1"},{"body":"2"},{"body":"3"}]}"""))
            .GetProperty("ids").EnumerateArray().Select(i => i.GetGuid()).ToArray();
        var popped = (await Json(HttpMethod.Get, "/other/batch?count=10")).GetProperty("messages").EnumerateArray()
            .Select(m => m.GetProperty("id").GetGuid()).ToArray();
        Assert.Equal(ids, popped);
    }

    [Theory]
    [InlineData("""{"messages":[]}""")]
    [InlineData("""{"messages":[{"body":"ok"},{"nobody":"x"}]}""")]
    [InlineData("""{"messages":[{"body":"ok"},{"body":"x","priority":300}]}""")]
    [InlineData("""{"messages":[{"body":"ok"},null]}""")]
    [InlineData("""{}""")]
    public async Task An_invalid_batch_is_400_and_pushes_nothing(string body)
    {
        await ProblemAssert.IsAsync(await _node.SendAsync(HttpMethod.Post, "/other/batch", body), HttpStatusCode.BadRequest, "Invalid request");
        Assert.Equal(0, await SizeAsync("other"));
    }

    [Fact]
    public async Task A_batch_of_101_is_400_and_one_too_large_message_is_413_and_nothing_is_pushed()
    {
        var many = "{\"messages\":[" + string.Join(',', Enumerable.Repeat("""{"body":"x"}""", 101)) + "]}";
        await ProblemAssert.IsAsync(await _node.SendAsync(HttpMethod.Post, "/other/batch", many), HttpStatusCode.BadRequest, "Invalid request", "messages");
        var big = new string('x', 65);
        await ProblemAssert.IsAsync(await _node.SendAsync(HttpMethod.Post, "/other/batch", $$"""{"messages":[{"body":"ok"},{"body":"{{big}}"}]}"""),
            HttpStatusCode.RequestEntityTooLarge, "Message too large");
        Assert.Equal(0, await SizeAsync("other"));

        var hundred = "{\"messages\":[" + string.Join(',', Enumerable.Repeat("""{"body":"x"}""", 100)) + "]}";
        Assert.Equal(100, (await Json(HttpMethod.Post, "/other/batch", hundred)).GetProperty("ids").GetArrayLength());
    }

    [Fact]
    public async Task Batch_delete_reports_deleted_and_not_found_ids_mixed()
    {
        var a = await _node.PushAsync("other");
        var b = await _node.PushAsync("other");
        var unknown = Guid.NewGuid();
        var result = await Json(HttpMethod.Delete, "/other/batch", $$"""{"ids":["{{a}}","{{unknown}}","{{b}}","{{a}}"]}""");
        Assert.Equal([a, b], result.GetProperty("deleted").EnumerateArray().Select(i => i.GetGuid()));
        Assert.Equal([unknown, a], result.GetProperty("not_found").EnumerateArray().Select(i => i.GetGuid()));
        Assert.Equal(0, await SizeAsync("other"));
    }

    [Theory]
    [InlineData("""{"ids":[]}""")]
    [InlineData("""{"ids":["nope"]}""")]
    [InlineData("""{"ids":null}""")]
    public async Task Batch_delete_needs_1_to_100_uuids(string body)
    {
        await ProblemAssert.IsAsync(await _node.SendAsync(HttpMethod.Delete, "/other/batch", body), HttpStatusCode.BadRequest, "Invalid request");
    }

    [Fact]
    public async Task Touch_extends_a_valid_reservation_and_after_expiry_is_404()
    {
        var id = await _node.PushAsync("other", """{"body":"x","timeout":10,"max_tries":3}""");
        var reserved = await Json(HttpMethod.Get, "/other");
        var receipt = reserved.GetProperty("receipt").GetString();
        _node.Advance(8);

        var touched = await Json(HttpMethod.Post, "/other/touch", $$"""{"id":"{{id}}","receipt":"{{receipt}}","timeout":20}""");
        Assert.Equal(receipt, touched.GetProperty("receipt").GetString());
        Assert.Equal(20, touched.GetProperty("time").GetProperty("timeout").GetProperty("max").GetInt32());
        var anonymous = await Json(HttpMethod.Post, "/other/touch", $$"""{"id":"{{id}}"}""");
        Assert.Equal(JsonValueKind.Null, anonymous.GetProperty("receipt").ValueKind);

        _node.Advance(20.001);
        await ProblemAssert.IsAsync(await _node.SendAsync(HttpMethod.Post, "/other/touch", $$"""{"id":"{{id}}"}"""),
            HttpStatusCode.NotFound, "Message not found");
        await ProblemAssert.IsAsync(await _node.SendAsync(HttpMethod.Post, "/other/touch", $$"""{"id":"{{id}}","receipt":"{{receipt}}"}"""),
            HttpStatusCode.Conflict, "Stale receipt");
        await ProblemAssert.IsAsync(await _node.SendAsync(HttpMethod.Post, "/other/touch", """{"id":"x"}"""),
            HttpStatusCode.BadRequest, "Invalid request");
    }

    [Fact]
    public async Task Peek_shows_the_next_message_without_reserving_it()
    {
        await ProblemAssert.IsAsync(await _node.SendAsync(HttpMethod.Get, "/other/peek"), HttpStatusCode.NotFound, "No message available");
        var id = await _node.PushAsync("other");
        var peeked = await Json(HttpMethod.Get, "/other/peek");
        Assert.Equal(id, peeked.GetProperty("id").GetGuid());
        Assert.Equal("Available", peeked.GetProperty("state").GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.Null, peeked.GetProperty("receipt").ValueKind);
        Assert.Equal(id, (await Json(HttpMethod.Get, "/other")).GetProperty("id").GetGuid());
    }

    [Fact]
    public async Task Get_by_id_shows_a_message_in_any_state()
    {
        var id = await _node.PushAsync("other");
        await _node.SendAsync(HttpMethod.Get, "/other");
        var got = await Json(HttpMethod.Get, $"/other/messages/{id}");
        Assert.Equal("Transit", got.GetProperty("state").GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.Null, got.GetProperty("receipt").ValueKind);
        await ProblemAssert.IsAsync(await _node.SendAsync(HttpMethod.Get, $"/other/messages/{Guid.NewGuid()}"), HttpStatusCode.NotFound, "Message not found");
        await ProblemAssert.IsAsync(await _node.SendAsync(HttpMethod.Get, "/other/messages/not-a-uuid"), HttpStatusCode.BadRequest, "Invalid request");
    }

    [Fact]
    public async Task Stats_partition_size_and_report_the_oldest_visible_age()
    {
        var empty = await Json(HttpMethod.Get, "/default/stats");
        Assert.Equal(JsonValueKind.Null, empty.GetProperty("oldest_visible_age_s").ValueKind);
        Assert.Equal("default-dead", empty.GetProperty("dead_letter").GetString());

        await _node.PushAsync("default", """{"body":"old"}""");
        _node.Advance(2.5);
        await _node.PushAsync("default", """{"body":"new","priority":9}""");
        await _node.PushAsync("default", """{"body":"later","delay":60}""");
        await _node.PushAsync("default", """{"body":"never","max_tries":0}""");
        await _node.PushAsync("default");
        await _node.SendAsync(HttpMethod.Get, "/default");

        var stats = await Json(HttpMethod.Get, "/default/stats");
        Assert.Equal(["size", "available", "delayed", "in_flight", "exhausted", "dead_letter", "oldest_visible_age_s"],
            stats.EnumerateObject().Select(p => p.Name));
        Assert.Equal((5, 2, 1, 1, 1), (stats.GetProperty("size").GetInt32(), stats.GetProperty("available").GetInt32(),
            stats.GetProperty("delayed").GetInt32(), stats.GetProperty("in_flight").GetInt32(), stats.GetProperty("exhausted").GetInt32()));
        Assert.Equal(2.5, stats.GetProperty("oldest_visible_age_s").GetDouble());
        Assert.Equal(JsonValueKind.Null, (await Json(HttpMethod.Get, "/other/stats")).GetProperty("dead_letter").ValueKind);
    }

    [Fact]
    public async Task Redrive_moves_dead_letters_back_and_without_a_dead_letter_queue_is_400()
    {
        await _node.PushAsync("default", """{"body":"x","max_tries":0}""");
        await _node.PushAsync("default", """{"body":"y","max_tries":0}""");
        _node.Advance(300);
        Assert.Equal(2, await SizeAsync("default-dead"));

        Assert.Equal(2, (await Json(HttpMethod.Post, "/default/redrive")).GetProperty("moved").GetInt32());
        Assert.Equal(0, await SizeAsync("default-dead"));
        var back = await Json(HttpMethod.Get, "/default");
        Assert.Equal(2, back.GetProperty("state").GetProperty("max_tries").GetInt32());
        Assert.False(back.GetProperty("attributes").TryGetProperty("spartan.dead_letter_reason", out _));

        await ProblemAssert.IsAsync(await _node.SendAsync(HttpMethod.Post, "/other/redrive"), HttpStatusCode.BadRequest, "Invalid request");
    }

    [Fact]
    public async Task Queue_list_shows_every_queue_with_its_stats_without_keys()
    {
        var list = (await Json(HttpMethod.Get, "/_/queues")).GetProperty("queues");
        Assert.Equal(["default", "default-dead", "other"], list.EnumerateArray().Select(q => q.GetProperty("name").GetString()));
        Assert.Equal(9, list[0].EnumerateObject().Count());
        Assert.All(list.EnumerateArray(), q => Assert.True(q.GetProperty("declared").GetBoolean()));
    }

    [Theory]
    [InlineData("POST", "/nope/batch")]
    [InlineData("GET", "/nope/batch")]
    [InlineData("DELETE", "/nope/batch")]
    [InlineData("POST", "/nope/touch")]
    [InlineData("GET", "/nope/peek")]
    [InlineData("GET", "/nope/messages/00000000-0000-0000-0000-000000000000")]
    [InlineData("GET", "/nope/stats")]
    [InlineData("POST", "/nope/redrive")]
    public async Task Every_extended_route_answers_404_queue_not_found_for_an_undeclared_queue(string method, string path)
    {
        await ProblemAssert.IsAsync(await _node.SendAsync(new HttpMethod(method), path, "{}"), HttpStatusCode.NotFound, "Queue not found");
    }
}
