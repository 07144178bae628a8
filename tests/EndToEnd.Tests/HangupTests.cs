using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net;
using System.Text.Json;

namespace Spartan.EndToEnd.Tests;

/// <summary>SPEC §5: SIGHUP never stops the node; it re-reads the access keys (and TLS files), logs what changed,
/// names changed settings that need a restart, and leaves everything as it was when the file is invalid.</summary>
public sealed class HangupTests
{
    private const int SigHup = 1;
    private const int SigTerm = 15;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string Config(string key, int gcTimer = 300) => $$"""
        queues = ["q"]
        gc_timer = {{gcTimer}}
        [persistence]
        mode = "snapshot"
        path = "./db"
        [[access_keys]]
        key = "{{key}}"
        queues = ["*"]
        """;

    [Fact]
    public async Task Sighup_under_load_swaps_the_keys_and_loses_nothing()
    {
        using var folder = new TempFolder();
        File.WriteAllText(folder.File("Spartan.toml"), Config("old-key-0123456789"));
        var acknowledged = 0;
        await using (var server = SpartanProcess.Start(folder.Path, "start", "--host", "127.0.0.1:0"))
        {
            using var http = new HttpClient { BaseAddress = await server.ListeningAsync() };
            using var load = CancellationTokenSource.CreateLinkedTokenSource(Ct);
            var pushing = Task.Run(async () =>
            {
                // Pushes with whichever key works; every 200 is counted and must survive.
                var key = "old-key-0123456789";
                for (var i = 0; i < 100_000 && !load.IsCancellationRequested; i++)
                {
                    var status = await PushAsync(http, key, $"m{i}");
                    if (status == HttpStatusCode.OK) Interlocked.Increment(ref acknowledged);
                    else if (status == HttpStatusCode.Unauthorized) key = "new-key-9876543210";
                    else Assert.Fail($"push answered {(int)status}");
                }
            }, Ct);

            await Until(() => Volatile.Read(ref acknowledged) >= 200, server);
            File.WriteAllText(folder.File("Spartan.toml"), Config("new-key-9876543210", gcTimer: 60));
            server.Signal(SigHup);
            await Until(async () => await PushAsync(http, "new-key-9876543210", "probe") == HttpStatusCode.OK, server);
            Interlocked.Increment(ref acknowledged);
            Assert.Equal(HttpStatusCode.Unauthorized, await PushAsync(http, "old-key-0123456789", "refused"));
            var before = Volatile.Read(ref acknowledged);
            await Until(() => Volatile.Read(ref acknowledged) >= before + 200, server);
            await load.CancelAsync();
            await pushing;

            Assert.Contains("SIGHUP: access keys reloaded: 1 keys in force", server.Stderr, StringComparison.Ordinal);
            Assert.Contains("need a restart to take effect: gc_timer", server.Stderr, StringComparison.Ordinal);
            Assert.DoesNotContain("new-key-9876543210", server.Stderr, StringComparison.Ordinal);

            server.Signal(SigTerm);
            Assert.Equal(0, await server.WaitForExitAsync());
        }

        await using var restarted = SpartanProcess.Start(folder.Path, "start", "--host", "127.0.0.1:0");
        using var again = new HttpClient { BaseAddress = await restarted.ListeningAsync() };
        using var size = new HttpRequestMessage(HttpMethod.Get, "/q/size");
        size.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "new-key-9876543210");
        var counted = await (await again.SendAsync(size, Ct)).Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.Equal(acknowledged, counted.GetProperty("size").GetInt32());
    }

    [Fact]
    public async Task Sighup_with_an_invalid_file_changes_nothing_and_says_why()
    {
        using var folder = new TempFolder();
        File.WriteAllText(folder.File("Spartan.toml"), Config("the-only-key-000111"));
        await using var server = SpartanProcess.Start(folder.Path, "start", "--host", "127.0.0.1:0");
        using var http = new HttpClient { BaseAddress = await server.ListeningAsync() };

        File.WriteAllText(folder.File("Spartan.toml"), "queues = [\"q\"]\ngc_timer = \"soon\"\n");
        server.Signal(SigHup);
        await Until(() => server.Stderr.Contains("SIGHUP: the configuration was not reloaded", StringComparison.Ordinal), server);

        Assert.Contains("gc_timer", server.Stderr, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, await PushAsync(http, "the-only-key-000111", "still here"));
        server.Signal(SigHup);
        server.Signal(SigHup);
        Assert.Equal(HttpStatusCode.OK, await PushAsync(http, "the-only-key-000111", "and still"));
        server.Signal(SigTerm);
        Assert.Equal(0, await server.WaitForExitAsync());
    }

    private static async Task<HttpStatusCode> PushAsync(HttpClient http, string key, string body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/q") { Content = new StringContent($$"""{"body":"{{body}}"}""") };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        using var response = await http.SendAsync(request, Ct);
        return response.StatusCode;
    }

    private static Task Until(Func<bool> condition, SpartanProcess server) => Until(() => Task.FromResult(condition()), server);

    private static async Task Until(Func<Task<bool>> condition, SpartanProcess server)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"not reached within 20 s: {server.Stderr}");
            await Task.Delay(20, Ct);
        }
    }
}
