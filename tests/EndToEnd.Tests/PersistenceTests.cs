using System.Collections.Concurrent;
using System.Net.Http.Json;
using System.Net;
using System.Text.Json;

namespace Spartan.EndToEnd.Tests;

/// <summary>SPEC §6 promises, proven against the real binary: log mode with fsync always loses no acknowledged
/// operation when SIGKILLed mid-load; snapshot mode loses nothing on SIGTERM.</summary>
public sealed class PersistenceTests
{
    private const int SigKill = 9;
    private const int SigTerm = 15;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    internal static string Config(string mode, string extra = "") => $"""
        queues = ["q"]
        [queue_settings.q]
        max_tries = 5
        timeout = 600
        [persistence]
        mode = "{mode}"
        path = "./db"
        {extra}
        """;

    [Theory]
    [InlineData(150)]
    [InlineData(400)]
    [InlineData(800)]
    [InlineData(1300)]
    [InlineData(2000)]
    public async Task Log_mode_with_fsync_always_keeps_every_acknowledged_operation_across_sigkill(int killAfterAcks)
    {
        using var folder = new TempFolder();
        File.WriteAllText(folder.File("Spartan.toml"), Config("log", "fsync = \"always\""));
        var pushed = new ConcurrentDictionary<Guid, bool>();
        var deleted = new ConcurrentDictionary<Guid, bool>();
        var deleteSent = new ConcurrentDictionary<Guid, bool>(); // acknowledged or not: in flight at the kill
        var acks = 0;

        await using (var server = SpartanProcess.Start(folder.Path, "start", "--host", "127.0.0.1:0"))
        {
            using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 32 })
            {
                BaseAddress = await server.ListeningAsync(),
                Timeout = TimeSpan.FromSeconds(10),
            };
            using var killed = new CancellationTokenSource();
            var clients = Enumerable.Range(0, 16).Select(client => Task.Run(async () =>
            {
                var random = new Random(killAfterAcks * 100 + client);
                for (var op = 0; op < 100_000 && !killed.IsCancellationRequested; op++)
                {
                    try
                    {
                        if (random.Next(3) > 0)
                        {
                            using var push = await http.PostAsync("/q", new StringContent($$"""{"body":"c{{client}}-{{op}}"}"""), killed.Token);
                            if (push.StatusCode != HttpStatusCode.OK) continue;
                            pushed[(await push.Content.ReadFromJsonAsync<JsonElement>(killed.Token)).GetProperty("id").GetGuid()] = true;
                        }
                        else
                        {
                            using var pop = await http.GetAsync("/q", killed.Token);
                            if (pop.StatusCode != HttpStatusCode.OK) continue;
                            var id = (await pop.Content.ReadFromJsonAsync<JsonElement>(killed.Token)).GetProperty("id").GetGuid();
                            using var request = new HttpRequestMessage(HttpMethod.Delete, "/q") { Content = new StringContent($$"""{"id":"{{id}}"}""") };
                            deleteSent[id] = true;
                            using var delete = await http.SendAsync(request, killed.Token);
                            if (delete.StatusCode == HttpStatusCode.OK) deleted[id] = true;
                        }

                        if (Interlocked.Increment(ref acks) == killAfterAcks)
                        {
                            server.Signal(SigKill);
                            await killed.CancelAsync();
                        }
                    }
                    catch (Exception e) when (e is HttpRequestException or OperationCanceledException or IOException)
                    {
                        return; // the server is gone
                    }
                }
            }, Ct)).ToArray();
            await Task.WhenAll(clients).WaitAsync(TimeSpan.FromMinutes(2), Ct);
            Assert.NotEqual(0, await server.WaitForExitAsync());
        }

        Assert.True(acks >= killAfterAcks, $"only {acks} operations were acknowledged");
        var survivors = await SurvivorsAsync(folder, pushed.Keys.Union(deleted.Keys));
        // A delete the server committed just before the kill may never have been acknowledged: only messages nobody
        // tried to delete must survive.
        var lost = pushed.Keys.Where(id => !deleteSent.ContainsKey(id) && !survivors.Contains(id)).ToList();
        var resurrected = deleted.Keys.Where(survivors.Contains).ToList();
        Assert.True(lost.Count == 0, $"{lost.Count} acknowledged pushes lost, e.g. {lost.FirstOrDefault()}");
        Assert.True(resurrected.Count == 0, $"{resurrected.Count} acknowledged deletes resurrected");
    }

    [Fact]
    public async Task Snapshot_mode_loses_nothing_on_sigterm()
    {
        using var folder = new TempFolder();
        File.WriteAllText(folder.File("Spartan.toml"), Config("snapshot", "timer = 900"));
        var ids = new List<Guid>();
        JsonElement before;
        await using (var server = SpartanProcess.Start(folder.Path, "start", "--host", "127.0.0.1:0"))
        {
            using var http = new HttpClient { BaseAddress = await server.ListeningAsync() };
            for (var i = 0; i < 20; i++)
            {
                var batch = "{\"messages\":[" + string.Join(',', Enumerable.Range(0, 50).Select(j => $$"""{"body":"b{{i}}-{{j}}","priority":{{j % 4}}}""")) + "]}";
                using var response = await http.PostAsync("/q/batch", new StringContent(batch), Ct);
                ids.AddRange((await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("ids").EnumerateArray().Select(e => e.GetGuid()));
            }

            using (await http.GetAsync("/q/batch?count=30", Ct)) { }
            using (var delete = new HttpRequestMessage(HttpMethod.Delete, "/q/batch") { Content = new StringContent($$"""{"ids":["{{ids[0]}}","{{ids[1]}}"]}""") })
                (await http.SendAsync(delete, Ct)).EnsureSuccessStatusCode();
            before = await http.GetFromJsonAsync<JsonElement>("/q/stats", Ct);
            server.Signal(SigTerm);
            Assert.Equal(0, await server.WaitForExitAsync());
        }

        await using var restarted = SpartanProcess.Start(folder.Path, "start", "--host", "127.0.0.1:0");
        using var again = new HttpClient { BaseAddress = await restarted.ListeningAsync() };
        var after = await again.GetFromJsonAsync<JsonElement>("/q/stats", Ct);
        foreach (var field in new[] { "size", "available", "in_flight", "delayed", "exhausted" })
            Assert.Equal(before.GetProperty(field).GetInt32(), after.GetProperty(field).GetInt32());
        Assert.Equal(998, after.GetProperty("size").GetInt32());
        using var gone = await again.GetAsync($"/q/messages/{ids[0]}", Ct);
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
        using var kept = await again.GetAsync($"/q/messages/{ids[^1]}", Ct);
        Assert.Equal(HttpStatusCode.OK, kept.StatusCode);
    }

    /// <summary>Restarts the server on the folder and asks it which of <paramref name="ids"/> it holds.</summary>
    private static async Task<HashSet<Guid>> SurvivorsAsync(TempFolder folder, IEnumerable<Guid> ids)
    {
        await using var server = SpartanProcess.Start(folder.Path, "start", "--host", "127.0.0.1:0");
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 16 }) { BaseAddress = await server.ListeningAsync() };
        var found = new ConcurrentDictionary<Guid, bool>();
        await Parallel.ForEachAsync(ids, new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = Ct }, async (id, ct) =>
        {
            using var response = await http.GetAsync($"/q/messages/{id}", ct);
            if (response.StatusCode == HttpStatusCode.OK) found[id] = true;
            else Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        });
        server.Signal(SigTerm);
        Assert.Equal(0, await server.WaitForExitAsync());
        return [.. found.Keys];
    }
}
