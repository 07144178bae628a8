using System.Net.Http.Json;
using System.Net;
using System.Text.Json;

namespace Spartan.EndToEnd.Tests;

/// <summary>SPEC §6 backups on the real binary: <c>POST /_/backup</c> writes a consistent copy into a new folder, and a
/// node started on that folder serves the same messages.</summary>
public sealed class BackupTests
{
    private const int SigTerm = 15;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("log")]
    [InlineData("snapshot")]
    public async Task A_node_started_on_a_backup_serves_the_same_messages(string mode)
    {
        using var folder = new TempFolder();
        File.WriteAllText(folder.File("Spartan.toml"), $"""
            queues = ["q", "other"]
            [persistence]
            mode = "{mode}"
            path = "./db"
            """);
        string backupPath;
        string[] before;
        await using (var server = SpartanProcess.Start(folder.Path, "start", "--host", "127.0.0.1:0"))
        {
            using var http = new HttpClient { BaseAddress = await server.ListeningAsync() };
            for (var i = 0; i < 50; i++)
                Assert.Equal(HttpStatusCode.OK, (await http.PostAsync(i % 5 == 0 ? "/other" : "/q", new StringContent($$"""{"body":"m{{i}}"}"""), Ct)).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/q", Ct)).StatusCode); // one in flight, kept as such

            var response = await http.PostAsync("/_/backup", null, Ct);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var backup = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
            backupPath = backup.GetProperty("path").GetString()!;
            Assert.True(Path.IsPathRooted(backupPath));
            Assert.Equal(Path.Combine(folder.Path, "backups"), Path.GetDirectoryName(backupPath));
            Assert.True(Directory.Exists(backupPath));
            Assert.Equal(50, backup.GetProperty("messages").GetInt64());
            Assert.True(backup.GetProperty("sequence").GetInt64() >= 51);

            // Written after the backup: not in it.
            await http.PostAsync("/q", new StringContent("""{"body":"later"}"""), Ct);
            server.Signal(SigTerm);
            Assert.Equal(0, await server.WaitForExitAsync());
            before = await DumpAsync(folder.Path);
        }

        using var restored = new TempFolder();
        File.WriteAllText(restored.File("Spartan.toml"), $"""
            queues = ["q", "other"]
            [persistence]
            mode = "{mode}"
            path = "{backupPath}"
            """);
        await using var node = SpartanProcess.Start(restored.Path, "start", "--host", "127.0.0.1:0");
        using var again = new HttpClient { BaseAddress = await node.ListeningAsync() };
        var q = await again.GetFromJsonAsync<JsonElement>("/q/stats", Ct);
        Assert.Equal(40, q.GetProperty("size").GetInt32());
        Assert.Equal(1, q.GetProperty("in_flight").GetInt32());
        Assert.Equal(10, (await again.GetFromJsonAsync<JsonElement>("/other/size", Ct)).GetProperty("size").GetInt32());
        node.Signal(SigTerm);
        Assert.Equal(0, await node.WaitForExitAsync());

        // The backup holds the same messages, minus the one pushed after it.
        var after = await DumpAsync(restored.Path);
        Assert.Equal(before.Where(line => !line.Contains("\"later\"", StringComparison.Ordinal)), after);
    }

    private static async Task<string[]> DumpAsync(string folder)
    {
        var lines = new List<string>();
        foreach (var queue in new[] { "q", "other" })
        {
            var (code, dump) = await SpartanProcess.RunAsync(folder, "dump", "--json", "--queue", queue);
            await using (dump)
            {
                Assert.True(code == 0, dump.Stderr);
                lines.AddRange(dump.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries));
            }
        }

        return [.. lines.Order(StringComparer.Ordinal)];
    }
}
