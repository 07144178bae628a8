using System.Collections.Concurrent;
using System.Net.Http.Json;
using System.Net;
using System.Text.Json;

namespace Spartan.Api.Tests.Http;

/// <summary>Long polling over real HTTP with many parked consumers: each push wakes exactly one, and a thousand park at once
/// and are all answered at a stop. Wake-up latency and threads held are measured by <c>bench longpoll</c>.</summary>
public sealed class LongPollLoadTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Fifty_parked_consumers_and_fifty_pushes_each_consumer_gets_exactly_one_message()
    {
        const int consumers = 50;
        await using var node = await TestNode.StartAsync("""queues = ["lp"]""", realHttp: true);
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 200 }) { BaseAddress = node.Client.BaseAddress };
        var received = new ConcurrentBag<string>();

        var polls = Enumerable.Range(0, consumers).Select(async _ =>
        {
            using var response = await http.GetAsync("/lp?wait=20", Ct);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            received.Add((await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("body").GetString()!);
        }).ToArray();
        await node.WaitParkedAsync(consumers);

        for (var i = 0; i < consumers; i++)
        {
            using var push = await http.PostAsync("/lp", TestNode.Json($$"""{"body":"m{{i}}"}"""), Ct);
            push.EnsureSuccessStatusCode();
        }

        // Every push woke a parked consumer (none was left to time out at 20 s), and no message went to two of them.
        await Task.WhenAll(polls).WaitAsync(TimeSpan.FromSeconds(15), Ct);
        Assert.Equal(Enumerable.Range(0, consumers).Select(i => $"m{i}").Order(), received.Order());
    }

    [Fact]
    public async Task A_thousand_long_polls_park_at_once_and_are_all_answered_when_the_node_stops()
    {
        const int parked = 1000;
        await using var node = await TestNode.StartAsync("""queues = ["idle"]""", realHttp: true);
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = parked + 10 }) { BaseAddress = node.Client.BaseAddress };

        // How many threads the server holds meanwhile is a figure for `bench longpoll`, measured on the real binary alone.
        var polls = Enumerable.Range(0, parked).Select(_ => http.GetAsync("/idle?wait=20", Ct)).ToArray();
        await node.WaitParkedAsync(parked);
        Assert.All(polls, p => Assert.False(p.IsCompleted));

        await node.StopAsync();
        var answers = await Task.WhenAll(polls).WaitAsync(TimeSpan.FromSeconds(15), Ct);
        Assert.All(answers, a => Assert.Equal(HttpStatusCode.NotFound, a.StatusCode));
        foreach (var answer in answers) answer.Dispose();
    }
}
