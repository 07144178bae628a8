using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Json;
using System.Net;
using System.Text.Json;

namespace Spartan.Api.Tests.Http;

/// <summary>Long polling over real HTTP: wake-up latency with many parked consumers, and no thread per waiter.</summary>
public sealed class LongPollLoadTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Fifty_parked_consumers_and_fifty_pushes_each_consumer_gets_one_message_quickly()
    {
        const int consumers = 50;
        await using var node = await TestNode.StartAsync("""queues = ["lp"]""", realHttp: true);
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 200 }) { BaseAddress = node.Client.BaseAddress };
        var pushedAt = new ConcurrentDictionary<string, long>();
        var latencies = new ConcurrentBag<double>();
        var received = new ConcurrentBag<string>();

        // Warm-up: the first long poll, push and answer of each kind pay for JIT compilation, not for waking.
        for (var i = 0; i < 20; i++)
        {
            var warm = http.GetAsync("/lp?wait=20", Ct);
            await node.WaitParkedAsync(1);
            using var p = await http.PostAsync("/lp", TestNode.Json("""{"body":"warm"}"""), Ct);
            using var w = await warm;
        }

        var polls = Enumerable.Range(0, consumers).Select(async _ =>
        {
            using var response = await http.GetAsync("/lp?wait=20", Ct);
            var arrived = Stopwatch.GetTimestamp();
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var body = (await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("body").GetString()!;
            received.Add(body);
            latencies.Add(Stopwatch.GetElapsedTime(pushedAt[body], arrived).TotalMilliseconds);
        }).ToArray();
        await node.WaitParkedAsync(consumers);

        for (var i = 0; i < consumers; i++)
        {
            var body = $"m{i}";
            pushedAt[body] = Stopwatch.GetTimestamp();
            using var push = await http.PostAsync("/lp", TestNode.Json($$"""{"body":"{{body}}"}"""), Ct);
            push.EnsureSuccessStatusCode();
        }

        await Task.WhenAll(polls).WaitAsync(TimeSpan.FromSeconds(30), Ct);
        Assert.Equal(consumers, received.Distinct().Count());
        var sorted = latencies.Order().ToArray();
        var p99 = sorted[(int)Math.Ceiling(0.99 * sorted.Length) - 1];
        Assert.True(p99 < 50, $"p99 wake-up latency {p99:F1} ms (p50 {sorted[sorted.Length / 2]:F1} ms)");
    }

    [Fact]
    public async Task A_thousand_parked_long_polls_hold_no_threads()
    {
        const int parked = 1000;
        await using var node = await TestNode.StartAsync("""queues = ["idle"]""", realHttp: true);
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = parked + 10 }) { BaseAddress = node.Client.BaseAddress };
        using var warm = await http.GetAsync("/idle", Ct);
        var before = Process.GetCurrentProcess().Threads.Count;

        var polls = Enumerable.Range(0, parked).Select(_ => http.GetAsync("/idle?wait=20", Ct)).ToArray();
        await node.WaitParkedAsync(parked);
        using var process = Process.GetCurrentProcess();
        var during = process.Threads.Count;
        TestContext.Current.SendDiagnosticMessage($"threads before {before}, with {parked} parked requests {during}");

        // The client and the server share this process; neither may spend a thread per parked request.
        Assert.True(during - before < 40, $"threads grew from {before} to {during}");
        await node.StopAsync();
        var answers = await Task.WhenAll(polls).WaitAsync(TimeSpan.FromSeconds(30), Ct);
        Assert.All(answers, a => Assert.Equal(HttpStatusCode.NotFound, a.StatusCode));
        foreach (var answer in answers) answer.Dispose();
    }
}
