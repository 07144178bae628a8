using System.Collections.Concurrent;
using System.Net;

namespace Spartan.Api.Tests.Http;

/// <summary>Queues created and deleted while other clients push to them, pop from them and describe them: every answer is
/// one the routes document, never a 500, and what is left agrees everywhere it is shown.</summary>
public sealed class RuntimeQueueConcurrencyTests
{
    private static readonly string[] Names = ["r0", "r1", "r2", "r3"];
    private static readonly int[] Created = [200, 201];
    private static readonly int[] Found = [200, 404];

    [Fact]
    public async Task Creating_and_deleting_queues_under_concurrent_use_answers_only_documented_statuses()
    {
        await using var node = await TestNode.StartAsync("queues = [\"q\"]\n");
        var seen = new ConcurrentDictionary<string, int>();
        await Task.WhenAll(Enumerable.Range(0, 8).Select(worker => Task.Run(async () =>
        {
            var random = new Random(worker);
            for (var i = 0; i < 150; i++)
            {
                var name = Names[random.Next(Names.Length)];
                var (method, path, body, allowed) = random.Next(7) switch
                {
                    0 => (HttpMethod.Put, $"/_/queues/{name}", null, Created),
                    1 => (HttpMethod.Delete, $"/_/queues/{name}", null, Found),
                    2 => (HttpMethod.Patch, $"/_/queues/{name}", """{"delay":null}""", Found),
                    3 => (HttpMethod.Get, $"/_/queues/{name}", null, Found),
                    4 => (HttpMethod.Get, $"/{name}?wait=0", null, Found),
                    5 => (HttpMethod.Get, $"/{name}/stats", null, Found),
                    _ => (HttpMethod.Post, $"/{name}/batch", """{"messages":[{"body":"a"},{"body":"b"}]}""", Found),
                };
                using var response = await node.SendAsync(method, path, body);
                var status = (int)response.StatusCode;
                var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
                Assert.True(allowed.Contains(status), $"{method} {path} answered {status}: {text}");
                if (status == 404) Assert.Contains("\"title\":\"", text, StringComparison.Ordinal); // a problem, with its title
                seen.AddOrUpdate($"{method} {status}", 1, (_, n) => n + 1);
            }
        }, TestContext.Current.CancellationToken)));

        // Both outcomes of the races happened, so the test exercised them.
        Assert.Contains("DELETE 200", seen.Keys);
        Assert.Contains("POST 404", seen.Keys);
        Assert.Contains("POST 200", seen.Keys);

        var listed = (await TestNode.ReadAsync(await node.SendAsync(HttpMethod.Get, "/_/queues"))).GetProperty("queues")
            .EnumerateArray().ToDictionary(q => q.GetProperty("name").GetString()!, q => q.GetProperty("size").GetInt32());
        foreach (var name in Names)
        {
            var described = await node.SendAsync(HttpMethod.Get, $"/_/queues/{name}");
            Assert.Equal(listed.ContainsKey(name), described.StatusCode == HttpStatusCode.OK);
            if (!listed.TryGetValue(name, out var size)) continue;
            Assert.Equal(size, (await TestNode.ReadAsync(described)).GetProperty("size").GetInt32());
            Assert.Equal(size, (await TestNode.ReadAsync(await node.SendAsync(HttpMethod.Get, $"/{name}/size"))).GetProperty("size").GetInt32());
        }
    }
}
