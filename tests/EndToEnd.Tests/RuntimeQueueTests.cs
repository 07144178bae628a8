using System.Net.Http.Json;
using System.Net;
using System.Text.Json;

namespace Spartan.EndToEnd.Tests;

/// <summary>SPEC §10 on the real binary: queues created, changed and deleted through the API are events, so they outlive a
/// restart in every persisted mode (a SIGKILL in log mode), are shown by <c>dump</c>, and are gone after a restart in
/// memory, as documented.</summary>
public sealed class RuntimeQueueTests
{
    private const int SigKill = 9;
    private const int SigTerm = 15;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string Config(string mode) => mode switch
    {
        "memory" => """queues = ["q"]""",
        "log" => PersistenceTests.Config("log", "compaction = false").Replace("[queue_settings.q]\nmax_tries = 5\ntimeout = 600\n", ""),
        "log-compacted" => PersistenceTests.Config("log", "compaction = true").Replace("[queue_settings.q]\nmax_tries = 5\ntimeout = 600\n", ""),
        _ => PersistenceTests.Config(mode).Replace("[queue_settings.q]\nmax_tries = 5\ntimeout = 600\n", ""),
    };

    private static async Task<HttpResponseMessage> SendAsync(HttpClient http, HttpMethod method, string path, string? json = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (json is not null) request.Content = new StringContent(json);
        return await http.SendAsync(request, Ct);
    }

    private static async Task<JsonElement> OkAsync(HttpClient http, HttpMethod method, string path, string? json = null)
    {
        using var response = await SendAsync(http, method, path, json);
        var text = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.IsSuccessStatusCode, $"{method} {path}: {(int)response.StatusCode} {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    [Theory]
    [InlineData("log")]
    [InlineData("log-compacted")]
    [InlineData("snapshot")]
    [InlineData("memory")]
    public async Task Queues_created_changed_and_deleted_through_the_api_survive_a_restart_in_persisted_modes(string mode)
    {
        using var folder = new TempFolder();
        File.WriteAllText(folder.File("Spartan.toml"), Config(mode));
        string createdAt;
        await using (var server = SpartanProcess.Start(folder.Path, "start", "--host", "127.0.0.1:0"))
        {
            using var http = new HttpClient { BaseAddress = await server.ListeningAsync() };
            await OkAsync(http, HttpMethod.Put, "/_/queues/jobs-dead");
            await OkAsync(http, HttpMethod.Put, "/_/queues/jobs", """{"dead_letter":"jobs-dead","max_tries":3,"timeout":90}""");
            createdAt = (await OkAsync(http, HttpMethod.Get, "/_/queues/jobs")).GetProperty("created_at").GetString()!;
            for (var i = 0; i < 3; i++) await OkAsync(http, HttpMethod.Post, "/jobs", $$"""{"body":"job {{i}}"}""");
            await OkAsync(http, HttpMethod.Patch, "/_/queues/jobs", """{"timeout":45,"max_tries":null}""");
            await OkAsync(http, HttpMethod.Put, "/_/queues/temp");
            await OkAsync(http, HttpMethod.Post, "/temp", """{"body":"goes with its queue"}""");
            Assert.Equal("""{"deleted":1}""", (await OkAsync(http, HttpMethod.Delete, "/_/queues/temp")).GetRawText());

            // Log mode promises each acknowledged change on disk (fsync always): the harshest stop. The other modes
            // keep what the last snapshot holds, which a graceful stop writes.
            server.Signal(mode.StartsWith("log", StringComparison.Ordinal) ? SigKill : SigTerm);
            await server.WaitForExitAsync();
        }

        await using var again = SpartanProcess.Start(folder.Path, "start", "--host", "127.0.0.1:0");
        using var client = new HttpClient { BaseAddress = await again.ListeningAsync() };
        if (mode == "memory")
        {
            using var gone = await SendAsync(client, HttpMethod.Get, "/_/queues/jobs");
            Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
            Assert.Equal(["q"], (await OkAsync(client, HttpMethod.Get, "/_/queues")).GetProperty("queues").EnumerateArray()
                .Select(q => q.GetProperty("name").GetString()));
            return;
        }

        var jobs = await OkAsync(client, HttpMethod.Get, "/_/queues/jobs");
        Assert.Equal(3, jobs.GetProperty("size").GetInt32());
        Assert.Equal(createdAt, jobs.GetProperty("created_at").GetString());
        Assert.Equal("""{"dead_letter":"jobs-dead","max_tries":null,"timeout":45,"delay":null}""", jobs.GetProperty("settings").GetRawText());
        using (var temp = await SendAsync(client, HttpMethod.Get, "/_/queues/temp")) Assert.Equal(HttpStatusCode.NotFound, temp.StatusCode);
        var names = (await OkAsync(client, HttpMethod.Get, "/_/queues")).GetProperty("queues").EnumerateArray()
            .Select(q => (q.GetProperty("name").GetString(), q.GetProperty("declared").GetBoolean()));
        Assert.Equal([("q", true), ("jobs", false), ("jobs-dead", false)], names);

        // Still a dead-letter target: it cannot go while jobs names it.
        using (var inUse = await SendAsync(client, HttpMethod.Delete, "/_/queues/jobs-dead"))
            Assert.Equal(HttpStatusCode.Conflict, inUse.StatusCode);
        var popped = await OkAsync(client, HttpMethod.Get, "/jobs");
        Assert.Equal(90, popped.GetProperty("time").GetProperty("timeout").GetProperty("max").GetInt32()); // as pushed
    }

    [Fact]
    public async Task Dump_shows_runtime_queues_and_their_events()
    {
        using var folder = new TempFolder();
        File.WriteAllText(folder.File("Spartan.toml"), Config("log"));
        await using (var server = SpartanProcess.Start(folder.Path, "start", "--host", "127.0.0.1:0"))
        {
            using var http = new HttpClient { BaseAddress = await server.ListeningAsync() };
            await OkAsync(http, HttpMethod.Put, "/_/queues/jobs");
            await OkAsync(http, HttpMethod.Post, "/jobs", """{"body":"x"}""");
            await OkAsync(http, HttpMethod.Patch, "/_/queues/jobs", """{"delay":5}""");
            await OkAsync(http, HttpMethod.Put, "/_/queues/temp");
            await OkAsync(http, HttpMethod.Delete, "/_/queues/temp");
            server.Signal(SigTerm);
            Assert.Equal(0, await server.WaitForExitAsync());
        }

        var (code, events) = await SpartanProcess.RunAsync(folder.Path, "dump", "--events", "--json");
        await using (events)
        {
            Assert.True(code == 0, events.Stderr);
            var lines = events.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToArray();
            // The declared queue's settings are recorded at the first start, before anything else.
            Assert.Equal(
                [("q", "QueueCreated"), ("jobs", "QueueCreated"), ("jobs", "MessagePushed"), ("jobs", "QueueChanged"), ("temp", "QueueCreated"),
                 ("temp", "QueueDeleted")],
                lines.Select(l => (l.GetProperty("queue").GetString(), l.GetProperty("kind").GetString())));
            Assert.All(lines.Where(l => l.GetProperty("kind").GetString()!.StartsWith("Queue", StringComparison.Ordinal)),
                l => Assert.Equal(JsonValueKind.Null, l.GetProperty("id").ValueKind));
        }

        var (stateCode, state) = await SpartanProcess.RunAsync(folder.Path, "dump");
        await using (state)
        {
            Assert.True(stateCode == 0, state.Stderr);
            Assert.Matches(@"(?m)^jobs\s+1\s+1\s+0\s+0\s+0$", state.Stdout);
            Assert.DoesNotContain("temp", state.Stdout);
            Assert.Contains("Runtime queues (kept in the data, not declared in", state.Stderr);
        }
    }
}
