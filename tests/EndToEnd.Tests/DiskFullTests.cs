using System.Diagnostics;
using System.Net.Http.Json;
using System.Net;
using System.Text.Json;

namespace Spartan.EndToEnd.Tests;

/// <summary>SPEC §6 on the real binary: on a full disk (a small tmpfs) a log-mode node stays up, serves reads, answers
/// writes 503, takes writes again by itself once space is freed, and loses no acknowledged message; started on a
/// full disk it serves reads and says the disk is full.</summary>
public sealed class DiskFullTests
{
    private const int SigTerm = 15;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_full_disk_refuses_writes_serves_reads_and_resumes_by_itself_losing_nothing()
    {
        using var folder = new TempFolder();
        await using var disk = await SmallDisk.MountAsync(folder.File("disk"), megabytes: 4);
        // Room that can be given back later, so the test can free space without touching the data folder.
        disk.Fill("ballast", 1024 * 1024);
        File.WriteAllText(folder.File("Spartan.toml"), $$"""
            queues = ["q"]
            [persistence]
            mode = "log"
            path = "{{disk.File("db")}}"
            fsync = "always"
            """);

        var acknowledged = new List<string>();
        await using var server = SpartanProcess.Start(folder.Path, "start", "--host", "127.0.0.1:0");
        using var http = new HttpClient { BaseAddress = await server.ListeningAsync() };

        // Fill the disk: 4 KiB bodies until the store refuses one.
        HttpResponseMessage refused = null!;
        for (var i = 0; i < 10_000; i++)
        {
            var response = await PushAsync(http, i);
            if (response.StatusCode == HttpStatusCode.OK)
            {
                acknowledged.Add(await IdAsync(response));
                continue;
            }

            refused = response;
            break;
        }

        Assert.NotNull(refused);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
        Assert.Equal("Storage unavailable", (await refused.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("title").GetString());

        // Still up: reads answer, writes are refused, nothing acknowledged is missing.
        Assert.Equal(acknowledged.Count, await SizeAsync(http));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await PushAsync(http, -1)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/_/health", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/q/peek", Ct)).StatusCode);

        // Space comes back: within a few seconds the node takes writes again, without a restart.
        disk.Free("ballast");
        var resumed = await Until(async () =>
        {
            var response = await PushAsync(http, -2);
            if (response.StatusCode != HttpStatusCode.OK) return false;
            acknowledged.Add(await IdAsync(response));
            return true;
        }, server);
        Assert.True(resumed);
        Assert.Contains("takes writes again", server.Stderr, StringComparison.Ordinal);
        Assert.Equal(acknowledged.Count, await SizeAsync(http));

        server.Signal(SigTerm);
        Assert.Equal(0, await server.WaitForExitAsync());
        var (code, dump) = await SpartanProcess.RunAsync(folder.Path, "dump", "--json", "--queue", "q");
        await using (dump)
        {
            Assert.Equal(0, code);
            var stored = dump.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries)
                .Select(line => JsonDocument.Parse(line).RootElement.GetProperty("id").GetString()!).ToHashSet();
            Assert.All(acknowledged, id => Assert.Contains(id, stored));
            Assert.Equal(acknowledged.Count, stored.Count);
        }
    }

    [Fact]
    public async Task A_node_started_on_a_full_disk_serves_reads_and_says_the_disk_is_full()
    {
        using var folder = new TempFolder();
        await using var disk = await SmallDisk.MountAsync(folder.File("disk"), megabytes: 4);
        File.WriteAllText(folder.File("Spartan.toml"), $$"""
            queues = ["q"]
            [persistence]
            mode = "log"
            path = "{{disk.File("db")}}"
            """);
        int pushed;
        await using (var first = SpartanProcess.Start(folder.Path, "start", "--host", "127.0.0.1:0"))
        {
            using var http = new HttpClient { BaseAddress = await first.ListeningAsync() };
            for (pushed = 0; pushed < 20; pushed++) Assert.Equal(HttpStatusCode.OK, (await PushAsync(http, pushed)).StatusCode);
            first.Signal(SigTerm);
            Assert.Equal(0, await first.WaitForExitAsync());
        }

        disk.Fill("ballast", disk.FreeBytes());
        await using var server = SpartanProcess.Start(folder.Path, "start", "--host", "127.0.0.1:0");
        using var again = new HttpClient { BaseAddress = await server.ListeningAsync() };

        Assert.Contains("Starting read-only", server.Stderr, StringComparison.Ordinal);
        Assert.Contains("is full", server.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("damaged", server.Stderr, StringComparison.Ordinal);
        Assert.Equal(pushed, await SizeAsync(again));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await PushAsync(again, -1)).StatusCode);

        disk.Free("ballast");
        Assert.True(await Until(async () => (await PushAsync(again, -2)).StatusCode == HttpStatusCode.OK, server));
        Assert.Equal(pushed + 1, await SizeAsync(again));
    }

    private static readonly string Body = new('x', 4096);

    private static Task<HttpResponseMessage> PushAsync(HttpClient http, int i) =>
        http.PostAsync("/q", new StringContent($$"""{"body":"{{i}} {{Body}}"}"""), Ct);

    private static async Task<string> IdAsync(HttpResponseMessage response) =>
        (await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("id").GetString()!;

    private static async Task<int> SizeAsync(HttpClient http) =>
        (await http.GetFromJsonAsync<JsonElement>("/q/size", Ct)).GetProperty("size").GetInt32();

    private static async Task<bool> Until(Func<Task<bool>> condition, SpartanProcess server)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"not reached within 30 s: {server.Stderr}");
            await Task.Delay(100, Ct);
        }

        return true;
    }

    /// <summary>A tmpfs of a few megabytes mounted for one test (needs root, as CI and this machine have); unmounted
    /// on dispose.</summary>
    private sealed class SmallDisk : IAsyncDisposable
    {
        private readonly string _path;

        private SmallDisk(string path) => _path = path;

        public static async Task<SmallDisk> MountAsync(string path, int megabytes)
        {
            Directory.CreateDirectory(path);
            var (code, output) = await RunAsync("mount", "-t", "tmpfs", "-o", $"size={megabytes}m", "tmpfs", path);
            Assert.True(code == 0, $"a disk-full test needs a small tmpfs, and mounting one failed (exit {code}): {output}");
            return new SmallDisk(path);
        }

        public string File(string name) => Path.Combine(_path, name);

        public long FreeBytes() => new DriveInfo(_path).AvailableFreeSpace;

        public void Fill(string name, long bytes)
        {
            using var file = new FileStream(File(name), FileMode.Create);
            var chunk = new byte[64 * 1024];
            for (long written = 0; written < bytes;)
            {
                var size = (int)Math.Min(chunk.Length, bytes - written);
                try
                {
                    file.Write(chunk, 0, size);
                    file.Flush();
                }
                catch (IOException)
                {
                    return; // full: that is the point
                }

                written += size;
            }
        }

        public void Free(string name) => System.IO.File.Delete(File(name));

        public async ValueTask DisposeAsync() => await RunAsync("umount", "-l", _path);

        private static async Task<(int, string)> RunAsync(string command, params string[] args)
        {
            var info = new ProcessStartInfo(command) { RedirectStandardError = true, RedirectStandardOutput = true };
            foreach (var arg in args) info.ArgumentList.Add(arg);
            using var process = Process.Start(info)!;
            var output = await process.StandardError.ReadToEndAsync(Ct) + await process.StandardOutput.ReadToEndAsync(Ct);
            await process.WaitForExitAsync(Ct);
            return (process.ExitCode, output);
        }
    }
}
