using System.Net;
using System.Text.Json;

namespace Spartan.Api.Tests.Http;

/// <summary>The server's own routes under <c>/_/</c> with access keys: queues, metrics, OpenAPI and docs.</summary>
public sealed class ServerRouteTests : IAsyncLifetime
{
    private const string Keys = """
        queues = ["a", "b", "c"]
        [[access_keys]]
        key = "root"
        queues = ["*"]
        [[access_keys]]
        key = "only-b"
        queues = ["b"]
        """;

    private TestNode _node = null!;

    public async ValueTask InitializeAsync() => _node = await TestNode.StartAsync(Keys);

    public async ValueTask DisposeAsync() => await _node.DisposeAsync();

    [Fact]
    public async Task Queue_list_shows_only_the_queues_the_key_covers()
    {
        async Task<string?[]> Names(string key) => (await TestNode.ReadAsync(await _node.SendAsync(HttpMethod.Get, "/_/queues", key: key)))
            .GetProperty("queues").EnumerateArray().Select(q => q.GetProperty("name").GetString()).ToArray();
        Assert.Equal(["a", "b", "c"], await Names("Bearer root"));
        Assert.Equal(["b"], await Names("Bearer only-b"));
        await ProblemAssert.IsAsync(await _node.SendAsync(HttpMethod.Get, "/_/queues"), HttpStatusCode.BadRequest, "Authorization header not found");
        await ProblemAssert.IsAsync(await _node.SendAsync(HttpMethod.Get, "/_/queues", key: "Bearer nobody"), HttpStatusCode.Unauthorized, "Access denied");
    }

    [Fact]
    public async Task Metrics_need_a_wildcard_key_and_speak_prometheus()
    {
        await ProblemAssert.IsAsync(await _node.SendAsync(HttpMethod.Get, "/_/metrics"), HttpStatusCode.BadRequest, "Authorization header not found");
        await ProblemAssert.IsAsync(await _node.SendAsync(HttpMethod.Get, "/_/metrics", key: "Bearer only-b"), HttpStatusCode.Unauthorized, "Access denied");

        await _node.SendAsync(HttpMethod.Post, "/b", """{"body":"x"}""", "Bearer only-b");
        await _node.SendAsync(HttpMethod.Get, "/b", key: "Bearer only-b");
        var response = await _node.SendAsync(HttpMethod.Get, "/_/metrics", key: "Bearer root");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.Contains("spartan_pushed_total{queue=\"b\"} 1", text);
        Assert.Contains("spartan_popped_total{queue=\"b\"} 1", text);
        Assert.Contains("spartan_messages{queue=\"b\",state=\"in_flight\"} 1", text);
        Assert.Contains("spartan_store_write_seconds_bucket", text);
        foreach (var counter in new[] { "deleted", "requeued", "expired", "dead_lettered" })
            Assert.Contains($"spartan_{counter}_total", text);
    }

    [Fact]
    public async Task Metrics_carry_what_on_call_people_alert_on()
    {
        await _node.SendAsync(HttpMethod.Post, "/a", """{"body":"waits"}""", "Bearer root");
        await _node.SendAsync(HttpMethod.Post, "/a/batch", """{"messages":[{"body":"1"},{"body":"2"}]}""", "Bearer root");
        await _node.SendAsync(HttpMethod.Get, "/nope/x/y/z", key: "Bearer root");
        _node.Advance(42);

        var text = await (await _node.SendAsync(HttpMethod.Get, "/_/metrics", key: "Bearer root")).Content.ReadAsStringAsync(TestContext.Current.CancellationToken);

        Assert.Contains("spartan_queue_oldest_visible_age_seconds{queue=\"a\"} 42", text);
        Assert.Contains("spartan_queue_oldest_visible_age_seconds{queue=\"c\"} 0", text);
        Assert.Contains($"spartan_build_info{{version=\"{Spartan.Api.Hosting.NodeInfo.BuildVersion}\"}} 1", text);
        Assert.Contains("spartan_storage_writable 1", text);
        Assert.Contains("spartan_http_requests_total{route=\"/{queue}\",status=\"200\"} 1", text);
        Assert.Contains("spartan_http_requests_total{route=\"/{queue}/batch\",status=\"200\"} 1", text);
        Assert.Contains("spartan_http_requests_total{route=\"unmatched\",status=\"404\"} 1", text);
        Assert.Contains("spartan_commit_batch_events_bucket{le=\"2\"}", text);
        Assert.Contains("spartan_commit_batch_events_count", text);
        Assert.Contains("process_cpu_seconds_total", text);
        Assert.Contains("process_working_set_bytes", text);
        Assert.Contains("dotnet_collection_count_total", text);
        Assert.DoesNotContain("/nope", text);
    }

    [Fact]
    public async Task Backup_needs_a_wildcard_key_and_a_store()
    {
        await ProblemAssert.IsAsync(await _node.SendAsync(HttpMethod.Post, "/_/backup"), HttpStatusCode.BadRequest, "Authorization header not found");
        await ProblemAssert.IsAsync(await _node.SendAsync(HttpMethod.Post, "/_/backup", key: "Bearer only-b"), HttpStatusCode.Unauthorized, "Access denied");
        await ProblemAssert.IsAsync(await _node.SendAsync(HttpMethod.Post, "/_/backup", key: "Bearer root"), HttpStatusCode.Conflict, "No persistence");
    }

    [Fact]
    public async Task An_endpoint_a_library_maps_outside_the_api_is_not_served()
    {
        // FastEndpoints maps GET /_test_url_cache_, which lists the endpoint types; it declares no access, so it is 404.
        await ProblemAssert.IsAsync(await _node.SendAsync(HttpMethod.Get, "/_test_url_cache_", key: "Bearer root"), HttpStatusCode.NotFound, "Not Found");
    }

    [Fact]
    public async Task The_openapi_document_describes_every_route_and_needs_no_key()
    {
        var response = await _node.SendAsync(HttpMethod.Get, "/_/openapi.json");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var paths = (await TestNode.ReadAsync(response)).GetProperty("paths");
        string[] expected = ["/{queue}", "/{queue}/requeue", "/{queue}/clear", "/{queue}/size", "/{queue}/batch", "/{queue}/touch",
            "/{queue}/peek", "/{queue}/messages/{id}", "/{queue}/stats", "/{queue}/redrive", "/_/queues", "/_/health", "/_/metrics", "/_/backup"];
        foreach (var path in expected) Assert.True(paths.TryGetProperty(path, out _), $"{path} is missing");
        Assert.True(paths.GetProperty("/{queue}").TryGetProperty("delete", out _));
        var runtime = paths.GetProperty("/_/queues/{queue}");
        Assert.Equal(["delete", "get", "patch", "put"], runtime.EnumerateObject().Select(p => p.Name).Order());
        Assert.True(runtime.GetProperty("put").GetProperty("responses").TryGetProperty("201", out _));
        Assert.True(runtime.GetProperty("delete").GetProperty("responses").TryGetProperty("409", out _));
        Assert.Contains("timeout", paths.GetProperty("/{queue}").GetProperty("get").GetProperty("parameters").EnumerateArray()
            .Select(p => p.GetProperty("name").GetString()));

        var docs = await _node.Client.GetAsync("/_/docs/index.html", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, docs.StatusCode);
        Assert.Contains("swagger", await docs.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task The_openapi_document_carries_request_and_response_examples_in_snake_case()
    {
        var doc = await TestNode.ReadAsync(await _node.SendAsync(HttpMethod.Get, "/_/openapi.json"));
        var push = doc.GetProperty("paths").GetProperty("/{queue}").GetProperty("post");

        // The request example sits on the body's schema; follow the reference rather than assume its name.
        var schemaRef = push.GetProperty("requestBody").GetProperty("content").GetProperty("application/json")
            .GetProperty("schema").GetProperty("$ref").GetString()!;
        var request = doc.GetProperty("components").GetProperty("schemas").GetProperty(schemaRef[(schemaRef.LastIndexOf('/') + 1)..])
            .GetProperty("example");
        Assert.Equal("Hello, world", request.GetProperty("body").GetString());
        Assert.Equal(3, request.GetProperty("max_tries").GetInt32());

        var pushed = push.GetProperty("responses").GetProperty("200").GetProperty("content").GetProperty("application/json")
            .GetProperty("example");
        Assert.True(Guid.TryParse(pushed.GetProperty("id").GetString(), out _));

        var popped = doc.GetProperty("paths").GetProperty("/{queue}").GetProperty("get").GetProperty("responses")
            .GetProperty("200").GetProperty("content").GetProperty("application/json").GetProperty("example");
        Assert.Equal("Transit", popped.GetProperty("state").GetProperty("status").GetString());
        Assert.Equal(3, popped.GetProperty("state").GetProperty("max_tries").GetInt32());
        Assert.True(popped.GetProperty("time").TryGetProperty("dispatched_at", out _));
    }
}
