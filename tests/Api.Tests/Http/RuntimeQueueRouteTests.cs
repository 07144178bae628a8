using System.Net;
using System.Text.Json;

namespace Spartan.Api.Tests.Http;

/// <summary>SPEC §10: creating, changing, deleting and describing queues at runtime, every status and title.</summary>
public sealed class RuntimeQueueRouteTests : IAsyncLifetime
{
    private const string Toml = """
        queues = ["default", "default-dead", "other"]
        max_queues = 6
        [queue_settings.default]
        dead_letter = "default-dead"
        max_tries = 2
        """;

    private TestNode _node = null!;

    public async ValueTask InitializeAsync() => _node = await TestNode.StartAsync(Toml);

    public async ValueTask DisposeAsync() => await _node.DisposeAsync();

    private async Task<JsonElement> Expect(HttpStatusCode status, HttpMethod method, string path, string? body = null)
    {
        var response = await _node.SendAsync(method, path, body);
        Assert.True(response.StatusCode == status,
            $"{response.StatusCode}: {await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)}");
        return await TestNode.ReadAsync(response);
    }

    private static void AssertSettings(JsonElement answer, string? deadLetter, uint? maxTries, uint? timeout, uint? delay)
    {
        var settings = answer.GetProperty("settings");
        Assert.Equal(4, settings.EnumerateObject().Count());
        Assert.Equal(deadLetter, settings.GetProperty("dead_letter").GetString());
        Assert.Equal(maxTries, Number(settings.GetProperty("max_tries")));
        Assert.Equal(timeout, Number(settings.GetProperty("timeout")));
        Assert.Equal(delay, Number(settings.GetProperty("delay")));
    }

    private static uint? Number(JsonElement value) => value.ValueKind == JsonValueKind.Null ? null : value.GetUInt32();

    [Fact]
    public async Task Put_without_a_body_creates_a_queue_that_takes_messages_at_once()
    {
        var created = await Expect(HttpStatusCode.Created, HttpMethod.Put, "/_/queues/jobs");
        Assert.Equal("jobs", created.GetProperty("name").GetString());
        Assert.False(created.GetProperty("declared").GetBoolean());
        Assert.Equal(3, created.EnumerateObject().Count());
        AssertSettings(created, null, null, null, null);

        await _node.PushAsync("jobs");
        var popped = await Expect(HttpStatusCode.OK, HttpMethod.Get, "/jobs");
        // Unset settings take the defaults: one try, 30 s.
        Assert.Equal(1, popped.GetProperty("state").GetProperty("max_tries").GetInt32());
        Assert.Equal(30, popped.GetProperty("time").GetProperty("timeout").GetProperty("max").GetInt32());
    }

    [Fact]
    public async Task Put_with_settings_applies_them_and_again_with_equal_ones_is_200_and_with_others_409()
    {
        const string settings = """{"dead_letter":"other","max_tries":3,"timeout":90,"delay":null}""";
        var created = await Expect(HttpStatusCode.Created, HttpMethod.Put, "/_/queues/jobs", settings);
        AssertSettings(created, "other", 3, 90, null);

        var again = await Expect(HttpStatusCode.OK, HttpMethod.Put, "/_/queues/jobs", """{"timeout":90,"max_tries":3,"dead_letter":"other"}""");
        Assert.Equal(created.GetRawText(), again.GetRawText());
        await ProblemAssert.IsAsync(await _node.SendAsync(HttpMethod.Put, "/_/queues/jobs", """{"timeout":91}"""),
            HttpStatusCode.Conflict, "Queue exists");

        await _node.PushAsync("jobs");
        var popped = await Expect(HttpStatusCode.OK, HttpMethod.Get, "/jobs");
        Assert.Equal(3, popped.GetProperty("state").GetProperty("max_tries").GetInt32());
        Assert.Equal(90, popped.GetProperty("time").GetProperty("timeout").GetProperty("max").GetInt32());
    }

    [Fact]
    public async Task Put_on_a_declared_queue_with_its_settings_is_200_declared_and_with_others_409()
    {
        var same = await Expect(HttpStatusCode.OK, HttpMethod.Put, "/_/queues/default", """{"dead_letter":"default-dead","max_tries":2}""");
        Assert.True(same.GetProperty("declared").GetBoolean());
        await ProblemAssert.IsAsync(await _node.SendAsync(HttpMethod.Put, "/_/queues/default"), HttpStatusCode.Conflict, "Queue exists");
    }

    [Theory]
    [InlineData("/_/queues/-starts-with-a-dash")]
    [InlineData("/_/queues/has.dot")]
    [InlineData("/_/queues/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")]
    public async Task A_name_that_is_not_a_queue_name_is_400(string path)
    {
        await ProblemAssert.IsAsync(await _node.SendAsync(HttpMethod.Put, path), HttpStatusCode.BadRequest, "Invalid request", "queue name");
    }

    [Theory]
    [InlineData("""{"max_tries":"3"}""", "max_tries")]
    [InlineData("""{"timeout":-1}""", "timeout")]
    [InlineData("""{"delay":1.5}""", "delay")]
    [InlineData("""{"delay":4294967296}""", "delay")]
    [InlineData("""{"dead_letter":5}""", "dead_letter")]
    [InlineData("""{"dead_letter":"bad name"}""", "dead_letter")]
    [InlineData("""{"dead_letter":"jobs"}""", "its own dead-letter queue")]
    [InlineData("""{"dead_letter":"nope"}""", "there is no queue nope")]
    [InlineData("""{"colour":"red"}""", "colour")]
    [InlineData("""{"timeout":""", null)]
    [InlineData("[]", null)]
    public async Task Invalid_settings_are_400_and_create_nothing(string body, string? detail)
    {
        await ProblemAssert.IsAsync(await _node.SendAsync(HttpMethod.Put, "/_/queues/jobs", body), HttpStatusCode.BadRequest,
            "Invalid request", detail);
        await ProblemAssert.IsAsync(await _node.SendAsync(HttpMethod.Get, "/_/queues/jobs"), HttpStatusCode.NotFound, "Queue not found");
    }

    [Fact]
    public async Task Max_queues_counts_declared_and_runtime_queues()
    {
        await Expect(HttpStatusCode.Created, HttpMethod.Put, "/_/queues/a");
        await Expect(HttpStatusCode.Created, HttpMethod.Put, "/_/queues/b");
        await Expect(HttpStatusCode.Created, HttpMethod.Put, "/_/queues/c");
        await ProblemAssert.IsAsync(await _node.SendAsync(HttpMethod.Put, "/_/queues/d"), HttpStatusCode.Conflict, "Too many queues");
        // An existing one is still answered as existing, not as one too many.
        await Expect(HttpStatusCode.OK, HttpMethod.Put, "/_/queues/c");
        await Expect(HttpStatusCode.OK, HttpMethod.Delete, "/_/queues/c");
        await Expect(HttpStatusCode.Created, HttpMethod.Put, "/_/queues/d");
    }

    [Fact]
    public async Task Patch_replaces_given_fields_clears_null_ones_and_keeps_absent_ones()
    {
        await Expect(HttpStatusCode.Created, HttpMethod.Put, "/_/queues/jobs", """{"dead_letter":"other","max_tries":3,"timeout":90}""");

        var changed = await Expect(HttpStatusCode.OK, HttpMethod.Patch, "/_/queues/jobs", """{"timeout":10,"dead_letter":null,"delay":5}""");
        Assert.False(changed.GetProperty("declared").GetBoolean());
        AssertSettings(changed, null, 3, 10, 5);
        AssertSettings(await Expect(HttpStatusCode.OK, HttpMethod.Get, "/_/queues/jobs"), null, 3, 10, 5);

        // An empty patch changes nothing and says what the settings are.
        AssertSettings(await Expect(HttpStatusCode.OK, HttpMethod.Patch, "/_/queues/jobs", "{}"), null, 3, 10, 5);
    }

    [Fact]
    public async Task Patch_answers_409_for_a_declared_queue_404_for_none_and_400_for_a_bad_dead_letter()
    {
        await ProblemAssert.IsAsync(await _node.SendAsync(HttpMethod.Patch, "/_/queues/default", """{"timeout":5}"""),
            HttpStatusCode.Conflict, "Declared queue");
        await ProblemAssert.IsAsync(await _node.SendAsync(HttpMethod.Patch, "/_/queues/nope", """{"timeout":5}"""),
            HttpStatusCode.NotFound, "Queue not found");
        await Expect(HttpStatusCode.Created, HttpMethod.Put, "/_/queues/jobs");
        await ProblemAssert.IsAsync(await _node.SendAsync(HttpMethod.Patch, "/_/queues/jobs", """{"dead_letter":"jobs"}"""),
            HttpStatusCode.BadRequest, "Invalid request", "dead_letter");
        await ProblemAssert.IsAsync(await _node.SendAsync(HttpMethod.Patch, "/_/queues/jobs", """{"max_tries":true}"""),
            HttpStatusCode.BadRequest, "Invalid request", "max_tries");
    }

    [Fact]
    public async Task Delete_removes_the_queue_with_its_messages_and_says_how_many()
    {
        await Expect(HttpStatusCode.Created, HttpMethod.Put, "/_/queues/jobs");
        for (var i = 0; i < 3; i++) await _node.PushAsync("jobs");
        await Expect(HttpStatusCode.OK, HttpMethod.Get, "/jobs");

        var deleted = await Expect(HttpStatusCode.OK, HttpMethod.Delete, "/_/queues/jobs");
        Assert.Equal("""{"deleted":3}""", deleted.GetRawText());

        await ProblemAssert.IsAsync(await _node.SendAsync(HttpMethod.Post, "/jobs", """{"body":"x"}"""), HttpStatusCode.NotFound, "Queue not found");
        await ProblemAssert.IsAsync(await _node.SendAsync(HttpMethod.Get, "/_/queues/jobs"), HttpStatusCode.NotFound, "Queue not found");
        await ProblemAssert.IsAsync(await _node.SendAsync(HttpMethod.Delete, "/_/queues/jobs"), HttpStatusCode.NotFound, "Queue not found");
        var list = (await Expect(HttpStatusCode.OK, HttpMethod.Get, "/_/queues")).GetProperty("queues");
        Assert.DoesNotContain("jobs", list.EnumerateArray().Select(q => q.GetProperty("name").GetString()));

        // The name is free again, for a queue that starts empty.
        await Expect(HttpStatusCode.Created, HttpMethod.Put, "/_/queues/jobs");
        Assert.Equal(0, (await Expect(HttpStatusCode.OK, HttpMethod.Get, "/jobs/size")).GetProperty("size").GetInt32());
    }

    [Fact]
    public async Task Delete_is_409_for_a_declared_queue_and_for_one_another_names_as_dead_letter()
    {
        await ProblemAssert.IsAsync(await _node.SendAsync(HttpMethod.Delete, "/_/queues/other"), HttpStatusCode.Conflict, "Declared queue");
        await Expect(HttpStatusCode.Created, HttpMethod.Put, "/_/queues/jobs-dead");
        await Expect(HttpStatusCode.Created, HttpMethod.Put, "/_/queues/jobs", """{"dead_letter":"jobs-dead"}""");

        await ProblemAssert.IsAsync(await _node.SendAsync(HttpMethod.Delete, "/_/queues/jobs-dead"), HttpStatusCode.Conflict,
            "Queue in use", "jobs");

        await Expect(HttpStatusCode.OK, HttpMethod.Patch, "/_/queues/jobs", """{"dead_letter":null}""");
        await Expect(HttpStatusCode.OK, HttpMethod.Delete, "/_/queues/jobs-dead");
    }

    [Fact]
    public async Task Deleting_a_queue_answers_its_long_polling_consumers_404_at_once()
    {
        await Expect(HttpStatusCode.Created, HttpMethod.Put, "/_/queues/jobs");
        var waiting = _node.SendAsync(HttpMethod.Get, "/jobs?wait=20");
        await _node.WaitParkedAsync(1);

        await Expect(HttpStatusCode.OK, HttpMethod.Delete, "/_/queues/jobs");

        await ProblemAssert.IsAsync(await waiting, HttpStatusCode.NotFound, "Queue not found");
        Assert.Equal(0, _node.Broker.ParkedConsumers);
    }

    [Fact]
    public async Task Get_describes_a_queue_with_its_settings_creation_and_stats()
    {
        var at = _node.Clock.GetUtcNow();
        await Expect(HttpStatusCode.Created, HttpMethod.Put, "/_/queues/jobs", """{"max_tries":4}""");
        await _node.PushAsync("jobs");

        var jobs = await Expect(HttpStatusCode.OK, HttpMethod.Get, "/_/queues/jobs");
        Assert.Equal(
            ["name", "declared", "settings", "created_at", "size", "available", "delayed", "in_flight", "exhausted", "dead_letter",
             "oldest_visible_age_s"],
            jobs.EnumerateObject().Select(p => p.Name));
        Assert.False(jobs.GetProperty("declared").GetBoolean());
        Assert.Equal(at, jobs.GetProperty("created_at").GetDateTimeOffset());
        Assert.Equal(1, jobs.GetProperty("size").GetInt32());
        Assert.Equal(1, jobs.GetProperty("available").GetInt32());
        AssertSettings(jobs, null, 4, null, null);

        var declared = await Expect(HttpStatusCode.OK, HttpMethod.Get, "/_/queues/default");
        Assert.True(declared.GetProperty("declared").GetBoolean());
        Assert.Equal("default-dead", declared.GetProperty("dead_letter").GetString());
        AssertSettings(declared, "default-dead", 2, null, null);
    }

    [Fact]
    public async Task The_queue_list_shows_runtime_queues_after_the_declared_ones()
    {
        await Expect(HttpStatusCode.Created, HttpMethod.Put, "/_/queues/b-jobs");
        await Expect(HttpStatusCode.Created, HttpMethod.Put, "/_/queues/a-jobs");

        var list = (await Expect(HttpStatusCode.OK, HttpMethod.Get, "/_/queues")).GetProperty("queues").EnumerateArray().ToArray();

        Assert.Equal(["default", "default-dead", "other", "a-jobs", "b-jobs"], list.Select(q => q.GetProperty("name").GetString()));
        Assert.Equal([true, true, true, false, false], list.Select(q => q.GetProperty("declared").GetBoolean()));
    }

    [Fact]
    public async Task Every_queue_route_serves_a_runtime_queue()
    {
        await Expect(HttpStatusCode.Created, HttpMethod.Put, "/_/queues/jobs", """{"dead_letter":"other","max_tries":1}""");
        var id = await _node.PushAsync("jobs");
        Assert.Equal(1, (await Expect(HttpStatusCode.OK, HttpMethod.Get, "/jobs/stats")).GetProperty("size").GetInt32());
        Assert.Equal(id, (await Expect(HttpStatusCode.OK, HttpMethod.Get, "/jobs/peek")).GetProperty("id").GetGuid());
        var receipt = (await Expect(HttpStatusCode.OK, HttpMethod.Get, "/jobs")).GetProperty("receipt").GetString();
        await Expect(HttpStatusCode.OK, HttpMethod.Post, "/jobs/requeue", $$"""{"id":"{{id}}","receipt":"{{receipt}}"}""");

        // Its one try is used: the message goes to the runtime queue's dead-letter queue.
        Assert.Equal(1, (await Expect(HttpStatusCode.OK, HttpMethod.Get, "/other/size")).GetProperty("size").GetInt32());
        Assert.Equal(1, (await Expect(HttpStatusCode.OK, HttpMethod.Post, "/jobs/redrive")).GetProperty("moved").GetInt32());
    }
}

/// <summary>SPEC §10 on nodes configured otherwise: keys, <c>allow_runtime_queues = false</c>, replicas.</summary>
public sealed class RuntimeQueueAccessTests
{
    private const string Keys = """
        queues = ["mine"]
        [[access_keys]]
        key = "root"
        queues = ["*"]
        [[access_keys]]
        key = "narrow"
        queues = ["mine"]
        """;

    [Fact]
    public async Task Changes_need_a_wildcard_key_when_keys_are_configured()
    {
        await using var node = await TestNode.StartAsync(Keys);
        foreach (var method in new[] { HttpMethod.Put, HttpMethod.Patch, HttpMethod.Delete })
        {
            await ProblemAssert.IsAsync(await node.SendAsync(method, "/_/queues/jobs", "{}"), HttpStatusCode.BadRequest,
                "Authorization header not found");
            await ProblemAssert.IsAsync(await node.SendAsync(method, "/_/queues/jobs", "{}", "Bearer narrow"), HttpStatusCode.Unauthorized,
                "Access denied");
            await ProblemAssert.IsAsync(await node.SendAsync(method, "/_/queues/jobs", "{}", "Bearer wrong"), HttpStatusCode.Unauthorized,
                "Access denied");
        }

        Assert.Equal(HttpStatusCode.Created, (await node.SendAsync(HttpMethod.Put, "/_/queues/jobs", null, "Bearer root")).StatusCode);
        // Reading it needs a key that covers it, as for every queue route: a wildcard does, a narrow key does not.
        Assert.Equal(HttpStatusCode.OK, (await node.SendAsync(HttpMethod.Get, "/_/queues/jobs", null, "Bearer root")).StatusCode);
        await ProblemAssert.IsAsync(await node.SendAsync(HttpMethod.Get, "/_/queues/jobs", null, "Bearer narrow"), HttpStatusCode.Unauthorized,
            "Access denied");
        Assert.Equal(HttpStatusCode.OK, (await node.SendAsync(HttpMethod.Get, "/_/queues/mine", null, "Bearer narrow")).StatusCode);
        var seen = await TestNode.ReadAsync(await node.SendAsync(HttpMethod.Get, "/_/queues", null, "Bearer narrow"));
        Assert.Equal(["mine"], seen.GetProperty("queues").EnumerateArray().Select(q => q.GetProperty("name").GetString()));
    }

    [Fact]
    public async Task With_runtime_queues_disallowed_the_routes_answer_403()
    {
        await using var node = await TestNode.StartAsync("queues = [\"mine\"]\nallow_runtime_queues = false\n");
        foreach (var method in new[] { HttpMethod.Put, HttpMethod.Patch, HttpMethod.Delete })
            await ProblemAssert.IsAsync(await node.SendAsync(method, "/_/queues/jobs", "{}"), HttpStatusCode.Forbidden, "Runtime queues disabled");
        Assert.Equal(HttpStatusCode.OK, (await node.SendAsync(HttpMethod.Get, "/_/queues/mine")).StatusCode);
    }

    [Fact]
    public async Task A_replica_refuses_changes_with_503_and_still_describes_queues()
    {
        const string replica = """
            queues = ["mine"]
            [replication]
            mode = "replica"
            [replication.replica]
            host = "127.0.0.1:0"
            """;
        await using var node = await TestNode.StartAsync(replica);
        foreach (var method in new[] { HttpMethod.Put, HttpMethod.Patch, HttpMethod.Delete })
            await ProblemAssert.IsAsync(await node.SendAsync(method, "/_/queues/jobs", "{}"), HttpStatusCode.ServiceUnavailable, "Read-only replica");
        Assert.Equal(HttpStatusCode.OK, (await node.SendAsync(HttpMethod.Get, "/_/queues/mine")).StatusCode);
    }
}
