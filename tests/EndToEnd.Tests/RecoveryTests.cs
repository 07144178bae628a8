using System.Net.Http.Json;
using System.Text.Json;

namespace Spartan.EndToEnd.Tests;

/// <summary>Recovery of a large log-mode folder gives the identical state, and compaction at startup folds the log
/// away (SPEC §6), compared through <c>spartan dump --json</c>.</summary>
public sealed class RecoveryTests
{
    private const int SigTerm = 15;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<string> DumpAsync(TempFolder folder, params string[] args)
    {
        var (code, dump) = await SpartanProcess.RunAsync(folder.Path, ["dump", "--json", .. args]);
        Assert.True(code == 0, dump.Stderr);
        return dump.Stdout;
    }

    private static async Task RestartAsync(TempFolder folder)
    {
        await using var server = SpartanProcess.Start(folder.Path, "start", "--host", "127.0.0.1:0");
        await server.ListeningAsync();
        Assert.Contains("Recovered 100000 messages", server.Stderr);
        server.Signal(SigTerm);
        Assert.Equal(0, await server.WaitForExitAsync());
    }

    [Fact]
    public async Task A_hundred_thousand_messages_restart_with_identical_state_and_compaction_empties_the_log()
    {
        using var folder = new TempFolder();
        File.WriteAllText(folder.File("Spartan.toml"), PersistenceTests.Config("log", "compaction = true"));
        await using (var server = SpartanProcess.Start(folder.Path, "start", "--host", "127.0.0.1:0"))
        {
            using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 8 }) { BaseAddress = await server.ListeningAsync() };
            var next = -1;
            await Task.WhenAll(Enumerable.Range(0, 8).Select(async _ =>
            {
                while (Interlocked.Increment(ref next) < 1000)
                {
                    var batch = "{\"messages\":[" + string.Join(',', Enumerable.Range(0, 100).Select(j =>
                        "{\"body\":\"message " + next + "-" + j + "\",\"priority\":" + (j % 3) + ",\"delay\":" + (j % 10 == 0 ? 3600 : 0) + ",\"attributes\":{\"n\":\"" + j + "\"}}")) + "]}";
                    using var push = await http.PostAsync("/q/batch", new StringContent(batch), Ct);
                    push.EnsureSuccessStatusCode();
                }
            }));
            using (var popped = await http.GetAsync("/q/batch?count=100", Ct)) popped.EnsureSuccessStatusCode();
            Assert.Equal(100_000, (await http.GetFromJsonAsync<JsonElement>("/q/size", Ct)).GetProperty("size").GetInt32());
            server.Signal(SigTerm);
            Assert.Equal(0, await server.WaitForExitAsync());
        }

        Assert.False(string.IsNullOrWhiteSpace(await DumpAsync(folder, "--events", "--limit", "1")));
        var counts = await DumpAsync(folder);
        var messages = await DumpAsync(folder, "--queue", "q");
        Assert.Equal(100_000, messages.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);

        await RestartAsync(folder);

        Assert.Equal(counts, await DumpAsync(folder));
        Assert.Equal(messages, await DumpAsync(folder, "--queue", "q"));
        // Compaction folded every event into the snapshot; no replica needs any of them.
        Assert.Equal("", await DumpAsync(folder, "--events"));

        await RestartAsync(folder);
        Assert.Equal(messages, await DumpAsync(folder, "--queue", "q"));
    }
}
