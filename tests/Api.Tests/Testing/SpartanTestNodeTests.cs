using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using Spartan.Api.Tests.Http;
using Spartan.Testing;

namespace Spartan.Api.Tests.Testing;

/// <summary>Spartan.Testing as other people's tests use it: the options make the configuration the server checks, the
/// node answers over its own clients, a fake clock drives it.</summary>
public sealed class SpartanTestNodeTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Declared_queues_and_settings_run_on_the_fake_clock()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 26, 12, 0, 0, TimeSpan.Zero));
        await using var node = await SpartanTestNode.StartAsync(new SpartanTestNodeOptions
        {
            Queues = { "jobs", "jobs-dead" },
            QueueSettings = { ["jobs"] = new SpartanQueueSettings { DeadLetter = "jobs-dead", MaxTries = 1, Timeout = 5 } },
            Time = clock,
        }, Ct);
        using var http = node.CreateHttpClient();
        Assert.Same(clock, node.Time);
        Assert.False(node.RealHttp);

        var pushed = await http.PostAsync("/jobs", Body("""{"body":"hello"}"""), Ct);
        Assert.Equal(HttpStatusCode.OK, pushed.StatusCode);
        var popped = await http.GetFromJsonAsync<JsonElement>("/jobs", Ct);
        Assert.Equal("hello", popped.GetProperty("body").GetString());
        Assert.Equal(5, popped.GetProperty("time").GetProperty("timeout").GetProperty("max").GetInt32());

        clock.Advance(TimeSpan.FromSeconds(6)); // the reservation runs out and the one try is spent
        var dead = await http.GetFromJsonAsync<JsonElement>("/jobs-dead", Ct);
        Assert.Equal(popped.GetProperty("id").GetGuid(), dead.GetProperty("id").GetGuid());
    }

    [Fact]
    public async Task Access_keys_guard_their_queues_and_are_written_as_toml_strings()
    {
        const string key = "k\"ey\\1"; // printable ASCII that TOML must escape
        var options = new SpartanTestNodeOptions
        {
            Queues = { "jobs", "other" },
            AccessKeys =
            {
                new SpartanAccessKey(key, "jobs"),
                new SpartanAccessKey("admin-key", SpartanAccessKey.AllQueues) { Id = "AKIDADMIN" },
            },
        };
        Assert.Contains("key = \"k\\\"ey\\\\1\"", options.ToToml(), StringComparison.Ordinal);
        await using var node = await SpartanTestNode.StartAsync(options, Ct);
        using var http = node.CreateHttpClient();

        await ProblemAssert.IsAsync(await http.GetAsync("/jobs/size", Ct), HttpStatusCode.BadRequest, "Authorization header not found");
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(http, HttpMethod.Get, "/jobs/size", $"Bearer {key}")).StatusCode);
        await ProblemAssert.IsAsync(await SendAsync(http, HttpMethod.Get, "/other/size", $"Bearer {key}"), HttpStatusCode.Unauthorized, "Access denied");
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(http, HttpMethod.Get, "/other/size", "Bearer admin-key")).StatusCode);
    }

    [Fact]
    public async Task Body_size_and_runtime_queues_reach_the_server()
    {
        await using var node = await SpartanTestNode.StartAsync(new SpartanTestNodeOptions
        {
            Queues = { "jobs" },
            BodySize = 16,
            AllowRuntimeQueues = false,
        }, Ct);
        using var http = node.CreateHttpClient();

        Assert.Equal(HttpStatusCode.OK, (await http.PostAsync("/jobs", Body("""{"body":"small"}"""), Ct)).StatusCode);
        await ProblemAssert.IsAsync(await http.PostAsync("/jobs", Body("""{"body":"seventeen bytes.."}"""), Ct),
            HttpStatusCode.RequestEntityTooLarge, "Message too large");
        await ProblemAssert.IsAsync(await http.PutAsync("/_/queues/fresh", Body("{}"), Ct), HttpStatusCode.Forbidden, "Runtime queues disabled");
    }

    [Fact]
    public async Task A_node_without_options_declares_nothing_and_creates_queues_when_asked()
    {
        await using var node = await SpartanTestNode.StartAsync(Ct);
        using var http = node.CreateHttpClient();

        await ProblemAssert.IsAsync(await http.PostAsync("/fresh", Body("""{"body":"x"}"""), Ct), HttpStatusCode.NotFound, "Queue not found");
        Assert.Equal(HttpStatusCode.Created, (await http.PutAsync("/_/queues/fresh", null, Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await http.PostAsync("/fresh", Body("""{"body":"x"}"""), Ct)).StatusCode);
        Assert.Same(TimeProvider.System, node.Time);
    }

    [Fact]
    public async Task A_configuration_the_server_refuses_is_an_argument_exception_with_its_message()
    {
        var error = await Assert.ThrowsAsync<ArgumentException>(() => SpartanTestNode.StartAsync(new SpartanTestNodeOptions
        {
            Queues = { "jobs" },
            QueueSettings = { ["jobs"] = new SpartanQueueSettings { DeadLetter = "nowhere" } },
        }, Ct));
        Assert.Contains("queue \"nowhere\" is not declared in queues", error.Message, StringComparison.Ordinal);
        Assert.Contains("dead_letter = \"nowhere\"", error.Message, StringComparison.Ordinal); // the generated TOML

        await Assert.ThrowsAsync<ArgumentException>(() => SpartanTestNode.StartAsync(
            new SpartanTestNodeOptions { Queues = { "not a name" } }, Ct));
        await Assert.ThrowsAsync<InvalidOperationException>(() => SpartanTestNode.StartAsync(
            new SpartanTestNodeOptions { Toml = "queues = [\"a\"]\n", Queues = { "b" } }, Ct));
    }

    [Fact]
    public async Task Raw_toml_is_served_as_given()
    {
        const string toml = "queues = [\"a\"]\n[sqs]\nenabled = false\n";
        await using var node = await SpartanTestNode.StartAsync(new SpartanTestNodeOptions { Toml = toml }, Ct);
        using var http = node.CreateHttpClient();

        Assert.Equal(toml, node.Toml);
        Assert.Equal(HttpStatusCode.OK, (await http.PostAsync("/a", Body("""{"body":"x"}"""), Ct)).StatusCode);
    }

    [Fact]
    public async Task Real_http_listens_on_loopback_for_any_client()
    {
        await using var node = await SpartanTestNode.StartAsync(new SpartanTestNodeOptions { Queues = { "q" }, RealHttp = true }, Ct);
        Assert.True(node.RealHttp);
        Assert.Equal("127.0.0.1", node.BaseAddress.Host);
        Assert.NotEqual(0, node.BaseAddress.Port);

        using (var plain = new HttpClient { BaseAddress = node.BaseAddress })
            Assert.Equal(HttpStatusCode.OK, (await plain.PostAsync("/q", Body("""{"body":"over a socket"}"""), Ct)).StatusCode);
        using (var own = new HttpClient(node.CreateHandler()) { BaseAddress = node.BaseAddress })
            Assert.Equal("over a socket", (await own.GetFromJsonAsync<JsonElement>("/q", Ct)).GetProperty("body").GetString());

        await node.StopAsync(Ct);
        using var after = node.CreateHttpClient();
        await Assert.ThrowsAsync<HttpRequestException>(() => after.GetAsync("/q/size", Ct));
        await node.DisposeAsync(); // after a stop, and again by await using
    }

    private static StringContent Body(string json) => new(json, Encoding.UTF8, "application/json");

    private static async Task<HttpResponseMessage> SendAsync(HttpClient http, HttpMethod method, string path, string authorization)
    {
        using var request = new HttpRequestMessage(method, path);
        request.Headers.TryAddWithoutValidation("Authorization", authorization);
        return await http.SendAsync(request, Ct);
    }
}
