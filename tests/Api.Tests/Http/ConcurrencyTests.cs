using System.Collections.Concurrent;
using System.Net.Http.Json;
using System.Net;
using System.Text.Json;

namespace Spartan.Api.Tests.Http;

/// <summary>The queue never hands one message to two consumers at once (real HTTP, many consumers).</summary>
public sealed class ConcurrencyTests
{
    private const int Messages = 10_000;
    private const int Consumers = 32;

    [Fact]
    public async Task Ten_thousand_messages_and_32_consumers_every_message_delivered_exactly_once()
    {
        await using var node = await TestNode.StartAsync("""queues = ["work"]""", realHttp: true);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        deadline.CancelAfter(TimeSpan.FromMinutes(3));
        var ct = deadline.Token;
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 64 }) { BaseAddress = node.Client.BaseAddress };

        var pushed = new ConcurrentBag<Guid>();
        var next = -1;
        await Task.WhenAll(Enumerable.Range(0, Consumers).Select(async _ =>
        {
            while (Interlocked.Increment(ref next) < Messages)
            {
                using var response = await http.PostAsync("/work", TestNode.Json("""{"body":"job","timeout":600}"""), ct);
                response.EnsureSuccessStatusCode();
                pushed.Add((await response.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("id").GetGuid());
            }
        }));

        var deliveries = new ConcurrentDictionary<Guid, int>();
        var held = new ConcurrentDictionary<Guid, bool>();
        var heldTwice = 0;
        var deleted = 0;
        await Task.WhenAll(Enumerable.Range(0, Consumers).Select(async _ =>
        {
            while (Volatile.Read(ref deleted) < Messages)
            {
                using var pop = await http.GetAsync("/work", ct);
                if (pop.StatusCode == HttpStatusCode.NotFound) continue;
                pop.EnsureSuccessStatusCode();
                var message = await pop.Content.ReadFromJsonAsync<JsonElement>(ct);
                var id = message.GetProperty("id").GetGuid();
                if (!held.TryAdd(id, true)) Interlocked.Increment(ref heldTwice);
                deliveries.AddOrUpdate(id, 1, (_, n) => n + 1);

                var ack = $$"""{"id":"{{id}}","receipt":"{{message.GetProperty("receipt").GetString()}}"}""";
                using var request = new HttpRequestMessage(HttpMethod.Delete, "/work") { Content = TestNode.Json(ack) };
                held.TryRemove(id, out var _);
                using var delete = await http.SendAsync(request, ct);
                delete.EnsureSuccessStatusCode();
                Interlocked.Increment(ref deleted);
            }
        }));

        Assert.Equal(0, heldTwice);
        Assert.Equal(Messages, pushed.Distinct().Count());
        Assert.Equal(pushed.Order(), deliveries.Keys.Order());
        Assert.All(deliveries.Values, count => Assert.Equal(1, count));
        var size = await http.GetFromJsonAsync<JsonElement>("/work/size", ct);
        Assert.Equal(0, size.GetProperty("size").GetInt32());
    }
}
