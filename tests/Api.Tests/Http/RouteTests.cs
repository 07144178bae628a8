using System.Net;
using System.Text.Json;

namespace Spartan.Api.Tests.Http;

/// <summary>Every route of SPEC §3.1 plus health, with the exact shapes of §3.3.</summary>
public sealed class RouteTests : IAsyncLifetime
{
    private TestNode _node = null!;

    public async ValueTask InitializeAsync() => _node = await TestNode.StartAsync();

    public async ValueTask DisposeAsync() => await _node.DisposeAsync();

    [Fact]
    public async Task Push_answers_the_new_id()
    {
        var response = await _node.SendAsync(HttpMethod.Post, "/default", """{"body":"Hello, world"}""");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await TestNode.ReadAsync(response);
        Assert.Equal(JsonValueKind.Object, body.ValueKind);
        Assert.Single(body.EnumerateObject());
        Assert.NotEqual(Guid.Empty, body.GetProperty("id").GetGuid());
    }

    [Fact]
    public async Task Pop_answers_the_message_object_with_its_receipt()
    {
        _node.Advance(0.123);
        var id = await _node.PushAsync("default",
            """{"body":"Hello, world","offset":10800,"max_tries":3,"timeout":60,"priority":7,"attributes":{"k":"v"}}""");
        _node.Advance(1.333);

        var response = await _node.SendAsync(HttpMethod.Get, "/default");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var m = await TestNode.ReadAsync(response);
        Assert.Equal(["id", "body", "priority", "attributes", "receipt", "state", "time"], m.EnumerateObject().Select(p => p.Name));
        Assert.Equal(id, m.GetProperty("id").GetGuid());
        Assert.Equal("Hello, world", m.GetProperty("body").GetString());
        Assert.Equal(7, m.GetProperty("priority").GetInt32());
        Assert.Equal("v", m.GetProperty("attributes").GetProperty("k").GetString());
        Assert.False(string.IsNullOrEmpty(m.GetProperty("receipt").GetString()));
        var state = m.GetProperty("state");
        Assert.Equal(("Transit", 1, 3), (state.GetProperty("status").GetString(), state.GetProperty("tries").GetInt32(), state.GetProperty("max_tries").GetInt32()));
        var time = m.GetProperty("time");
        Assert.Equal(10800, time.GetProperty("offset").GetInt32());
        Assert.Equal("2026-11-26T15:00:00.123+03:00", time.GetProperty("dispatched_at").GetString());
        Assert.Equal(JsonValueKind.Null, time.GetProperty("delay").ValueKind);
        Assert.Equal(60, time.GetProperty("timeout").GetProperty("max").GetInt32());
        Assert.Equal("2026-11-26T15:00:01.456+03:00", time.GetProperty("timeout").GetProperty("obtained_at").GetString());
    }

    [Fact]
    public async Task Times_use_the_message_offset_including_seconds_and_show_the_delay_instant()
    {
        await _node.PushAsync("other", """{"body":"x","offset":-3661,"delay":0}""");
        var m = await TestNode.ReadAsync(await _node.SendAsync(HttpMethod.Get, "/other"));
        Assert.Equal("2026-11-26T10:58:59.000-01:01:01", m.GetProperty("time").GetProperty("dispatched_at").GetString());
        Assert.Equal("2026-11-26T10:58:59.000-01:01:01", m.GetProperty("time").GetProperty("delay").GetString());

        await _node.PushAsync("other", """{"body":"y","delay":5}""");
        _node.Advance(5);
        var delayed = await TestNode.ReadAsync(await _node.SendAsync(HttpMethod.Get, "/other"));
        Assert.Equal("2026-11-26T12:00:05.000+00:00", delayed.GetProperty("time").GetProperty("delay").GetString());
    }

    [Fact]
    public async Task Pop_of_an_empty_queue_is_404_no_message_available()
    {
        await ProblemAssert.IsAsync(await _node.SendAsync(HttpMethod.Get, "/default"), HttpStatusCode.NotFound, "No message available");
    }

    [Fact]
    public async Task Delete_answers_the_removed_message_without_a_receipt()
    {
        var id = await _node.PushAsync("default");
        var popped = await TestNode.ReadAsync(await _node.SendAsync(HttpMethod.Get, "/default"));
        var receipt = popped.GetProperty("receipt").GetString();

        var response = await _node.SendAsync(HttpMethod.Delete, "/default", $$"""{"id":"{{id}}","receipt":"{{receipt}}"}""");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var deleted = (await TestNode.ReadAsync(response)).GetProperty("message");
        Assert.Equal(id, deleted.GetProperty("id").GetGuid());
        Assert.Equal(JsonValueKind.Null, deleted.GetProperty("receipt").ValueKind);
        await ProblemAssert.IsAsync(await _node.SendAsync(HttpMethod.Delete, "/default", $$"""{"id":"{{id}}"}"""),
            HttpStatusCode.NotFound, "Message not found");
    }

    [Fact]
    public async Task Delete_with_a_stale_receipt_is_409_and_keeps_the_message()
    {
        var id = await _node.PushAsync("default", """{"body":"x","max_tries":2,"timeout":5}""");
        var first = await TestNode.ReadAsync(await _node.SendAsync(HttpMethod.Get, "/default"));
        _node.Advance(6);
        await _node.SendAsync(HttpMethod.Get, "/default");

        var stale = $$"""{"id":"{{id}}","receipt":"{{first.GetProperty("receipt").GetString()}}"}""";
        await ProblemAssert.IsAsync(await _node.SendAsync(HttpMethod.Delete, "/default", stale), HttpStatusCode.Conflict, "Stale receipt");
        await ProblemAssert.IsAsync(await _node.SendAsync(HttpMethod.Post, "/default/requeue", stale), HttpStatusCode.Conflict, "Stale receipt");
        var garbage = $$"""{"id":"{{id}}","receipt":"not-a-receipt"}""";
        await ProblemAssert.IsAsync(await _node.SendAsync(HttpMethod.Delete, "/default", garbage), HttpStatusCode.Conflict, "Stale receipt");
        Assert.Equal(1, (await TestNode.ReadAsync(await _node.SendAsync(HttpMethod.Get, "/default/size"))).GetProperty("size").GetInt32());
    }

    [Fact]
    public async Task Requeue_answers_null_and_the_message_comes_back()
    {
        var id = await _node.PushAsync("default", """{"body":"x","max_tries":2}""");
        await _node.SendAsync(HttpMethod.Get, "/default");

        var response = await _node.SendAsync(HttpMethod.Post, "/default/requeue", $$"""{"id":"{{id}}"}""");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("null", await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        var again = await TestNode.ReadAsync(await _node.SendAsync(HttpMethod.Get, "/default"));
        Assert.Equal((id, 2), (again.GetProperty("id").GetGuid(), again.GetProperty("state").GetProperty("tries").GetInt32()));
    }

    [Fact]
    public async Task Requeue_of_a_message_that_is_not_reserved_is_404_message_not_found()
    {
        var id = await _node.PushAsync("default");
        await ProblemAssert.IsAsync(await _node.SendAsync(HttpMethod.Post, "/default/requeue", $$"""{"id":"{{id}}"}"""),
            HttpStatusCode.NotFound, "Message not found");
        await ProblemAssert.IsAsync(await _node.SendAsync(HttpMethod.Post, "/default/requeue", $$"""{"id":"{{Guid.NewGuid()}}"}"""),
            HttpStatusCode.NotFound, "Message not found");
    }

    [Fact]
    public async Task Clear_answers_null_and_size_counts_every_state()
    {
        await _node.PushAsync("default");
        await _node.PushAsync("default", """{"body":"later","delay":100}""");
        await _node.PushAsync("default", """{"body":"never","max_tries":0}""");
        await _node.PushAsync("default");
        await _node.SendAsync(HttpMethod.Get, "/default");

        var size = await _node.SendAsync(HttpMethod.Get, "/default/size");
        Assert.Equal(HttpStatusCode.OK, size.StatusCode);
        Assert.Equal("""{"size":4}""", await size.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));

        var clear = await _node.SendAsync(HttpMethod.Post, "/default/clear");
        Assert.Equal("null", await clear.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        Assert.Equal(0, (await TestNode.ReadAsync(await _node.SendAsync(HttpMethod.Get, "/default/size"))).GetProperty("size").GetInt32());
    }

    [Fact]
    public async Task An_expired_reservation_returns_to_the_queue_and_a_later_pop_gets_it()
    {
        var id = await _node.PushAsync("default", """{"body":"x","max_tries":2,"timeout":30}""");
        await _node.SendAsync(HttpMethod.Get, "/default");
        _node.Advance(30);
        await ProblemAssert.IsAsync(await _node.SendAsync(HttpMethod.Get, "/default"), HttpStatusCode.NotFound, "No message available");
        _node.Advance(0.001);
        var again = await TestNode.ReadAsync(await _node.SendAsync(HttpMethod.Get, "/default"));
        Assert.Equal(id, again.GetProperty("id").GetGuid());
    }

    [Fact]
    public async Task Exhausted_messages_move_to_the_dead_letter_queue_and_gc_collects_max_tries_zero()
    {
        await _node.PushAsync("default", """{"body":"once","timeout":5}""");
        await _node.SendAsync(HttpMethod.Get, "/default");
        _node.Advance(6); // the one-second maintenance tick ends the reservation without any request
        Assert.Equal(1, (await TestNode.ReadAsync(await _node.SendAsync(HttpMethod.Get, "/default-dead/size"))).GetProperty("size").GetInt32());

        await _node.PushAsync("default", """{"body":"never","max_tries":0}""");
        _node.Advance(300); // gc_timer default
        var moved = await TestNode.ReadAsync(await _node.SendAsync(HttpMethod.Get, "/default-dead"));
        var reasons = new[] { moved.GetProperty("attributes").GetProperty("spartan.dead_letter_reason").GetString() };
        var second = await TestNode.ReadAsync(await _node.SendAsync(HttpMethod.Get, "/default-dead"));
        Assert.Equal(["expired", "no_tries"], reasons.Append(second.GetProperty("attributes").GetProperty("spartan.dead_letter_reason").GetString()));
        Assert.Equal(0, (await TestNode.ReadAsync(await _node.SendAsync(HttpMethod.Get, "/default/size"))).GetProperty("size").GetInt32());
    }

    [Fact]
    public async Task Health_reports_status_role_and_version()
    {
        var health = await TestNode.ReadAsync(await _node.SendAsync(HttpMethod.Get, "/_/health"));
        Assert.Equal("ok", health.GetProperty("status").GetString());
        Assert.Equal("standalone", health.GetProperty("role").GetString());
        Assert.False(string.IsNullOrEmpty(health.GetProperty("version").GetString()));
    }

    [Theory]
    [InlineData("GET", "/nope")]
    [InlineData("POST", "/nope")]
    [InlineData("DELETE", "/nope")]
    [InlineData("POST", "/nope/requeue")]
    [InlineData("POST", "/nope/clear")]
    [InlineData("GET", "/nope/size")]
    public async Task Every_queue_route_answers_404_queue_not_found_for_an_undeclared_queue(string method, string path)
    {
        var response = await _node.SendAsync(new HttpMethod(method), path, """{"body":"x","id":"00000000-0000-0000-0000-000000000000"}""");
        await ProblemAssert.IsAsync(response, HttpStatusCode.NotFound, "Queue not found");
    }

    [Fact]
    public async Task An_unknown_route_or_method_still_answers_problem_json()
    {
        var response = await _node.SendAsync(HttpMethod.Put, "/default");
        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }
}
