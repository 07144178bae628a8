using System.Collections.Concurrent;
using System.Net;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Spartan.Client.Tests;

/// <summary>The client over real HTTP (Kestrel), through dependency injection and a host, its retries and timeouts.</summary>
public sealed class HostingTests
{
    private static CancellationToken Ct => Harness.Ct;

    /// <summary>What the hosted handlers saw.</summary>
    public sealed class Seen
    {
        public ConcurrentQueue<Guid> Ids { get; } = new();
    }

    /// <summary>A handler resolved per message, as an application writes one.</summary>
    public sealed class SeenHandler(Seen seen) : IMessageHandler
    {
        public Task HandleAsync(ReceivedMessage message, CancellationToken ct)
        {
            seen.Ids.Enqueue(message.Id);
            return Task.CompletedTask;
        }
    }

    [Fact]
    public async Task A_hosted_processor_handles_what_a_client_from_the_container_pushes_over_real_http()
    {
        await using var node = await TestNode.StartAsync(realHttp: true);
        var builder = new HostApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Services.AddSpartanClient(o => o.BaseAddress = node.Address);
        builder.Services.AddSingleton<Seen>();
        builder.Services.AddSpartanProcessor<SeenHandler>("other", o => o.MaxConcurrency = 4);
        builder.Services.AddSpartanProcessor<SeenHandler>("default", o => o.MaxConcurrency = 2);
        using var host = builder.Build();
        await host.StartAsync(Ct);
        var client = host.Services.GetRequiredService<SpartanClient>();

        var ids = await Task.WhenAll(Enumerable.Range(0, 50).Select(i => client.PushAsync(i % 2 == 0 ? "other" : "default", $"m{i}", Ct)));

        var seen = host.Services.GetRequiredService<Seen>();
        await Harness.EventuallyAsync(() => seen.Ids.Count == 50, "every message handled");
        await Harness.EventuallyAsync(async () => await client.GetSizeAsync("other", Ct) + await client.GetSizeAsync("default", Ct) == 0,
            "every message deleted");
        await host.StopAsync(Ct);
        Assert.Equal(ids.Order(), seen.Ids.Order());
        var http = host.Services.GetRequiredService<IHttpClientFactory>().CreateClient(SpartanServiceCollectionExtensions.HttpClientName);
        Assert.Equal(Timeout.InfiniteTimeSpan, http.Timeout);
    }

    [Fact]
    public async Task A_client_with_its_own_connections_long_polls_a_real_node()
    {
        await using var node = await TestNode.StartAsync(realHttp: true);
        await using var client = new SpartanClient(new SpartanClientOptions { BaseAddress = node.Address });

        var waiting = client.PopAsync("other", TimeSpan.FromSeconds(20), ct: Ct);
        await node.WaitParkedAsync(1);
        var id = await client.PushAsync("other", "over the wire", Ct);
        var message = await waiting;

        Assert.Equal((id, "over the wire"), (message!.Id, message.Body));
        await client.DeleteAsync(message, Ct);
        Assert.Equal(0, await client.GetSizeAsync("other", Ct));
    }

    [Fact]
    public async Task A_long_poll_gets_its_wait_on_top_of_the_request_timeout()
    {
        // The node's clock stands still, so the long poll is never answered: only the client's timeout ends it.
        await using var h = await Harness.StartAsync(configure: o => o.RequestTimeout = TimeSpan.FromMilliseconds(100));
        var error = await Assert.ThrowsAsync<TimeoutException>(() => h.Client.PopAsync("other", TimeSpan.FromSeconds(1), ct: Ct));

        // The bound the client set for this request, as it reports it: the request timeout plus the poll's wait.
        Assert.Contains($"no answer within {TimeSpan.FromMilliseconds(1100)}", error.Message, StringComparison.Ordinal);
    }

    /// <summary>Answers each request from a script, counting them.</summary>
    private sealed class Script(Func<int, HttpResponseMessage> answer) : HttpMessageHandler
    {
        public int Calls;

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            Task.FromResult(answer(Interlocked.Increment(ref Calls)));
    }

    private static HttpResponseMessage Answer(HttpStatusCode status, string json, string type = "application/json") =>
        new(status) { Content = new StringContent(json, Encoding.UTF8, type) };

    private static HttpResponseMessage Unavailable() => Answer(HttpStatusCode.ServiceUnavailable,
        """{"type":"about:blank","title":"Storage unavailable","status":503}""", "application/problem+json");

    private static SpartanClient Over(Script script) =>
        new(new HttpClient(new RetryHandler(3, TimeSpan.Zero, TimeProvider.System) { InnerHandler = script })
        {
            BaseAddress = new Uri("http://spartan.test/"),
        }, new SpartanClientOptions { Batching = false });

    [Fact]
    public async Task Idempotent_reads_are_retried_on_503_and_connection_errors()
    {
        var size = new Script(n => n < 3 ? Unavailable() : Answer(HttpStatusCode.OK, """{"size":3}"""));
        var peek = new Script(n => n == 1 ? throw new HttpRequestException("connection refused")
            : Answer(HttpStatusCode.NotFound, """{"title":"No message available","status":404}""", "application/problem+json"));
        var stats = new Script(_ => Unavailable());
        await using var sizeClient = Over(size);
        await using var peekClient = Over(peek);
        await using var statsClient = Over(stats);

        Assert.Equal(3, await sizeClient.GetSizeAsync("q", Ct));
        Assert.Null(await peekClient.PeekAsync("q", Ct));
        var gaveUp = await Assert.ThrowsAsync<ServiceUnavailableException>(() => statsClient.GetStatsAsync("q", Ct));

        Assert.Equal((3, 2, 4), (size.Calls, peek.Calls, stats.Calls));
        Assert.Equal("Storage unavailable", gaveUp.Title);
    }

    [Fact]
    public async Task Pops_pushes_and_deletes_are_never_sent_twice()
    {
        var refused = new Script(_ => Unavailable());
        var broken = new Script(_ => throw new HttpRequestException("connection reset"));
        await using var refusedClient = Over(refused);
        await using var brokenClient = Over(broken);

        await Assert.ThrowsAsync<ServiceUnavailableException>(() => refusedClient.PopAsync("q", ct: Ct));
        await Assert.ThrowsAsync<ServiceUnavailableException>(() => refusedClient.PopBatchAsync("q", 10, ct: Ct));
        await Assert.ThrowsAsync<HttpRequestException>(() => brokenClient.PushAsync("q", "x", Ct));
        await Assert.ThrowsAsync<HttpRequestException>(() => brokenClient.DeleteAsync("q", Guid.NewGuid(), ct: Ct));

        Assert.Equal((2, 2), (refused.Calls, broken.Calls));
    }

    [Fact]
    public async Task The_container_client_retries_through_its_factory_pipeline()
    {
        var script = new Script(n => n < 3 ? Unavailable() : Answer(HttpStatusCode.OK, """{"size":7}"""));
        var services = new ServiceCollection();
        services.AddSpartanClient(o => (o.BaseAddress, o.RetryDelay) = (new Uri("http://spartan.test/"), TimeSpan.Zero))
            .ConfigurePrimaryHttpMessageHandler(() => script);
        await using var provider = services.BuildServiceProvider();

        var client = provider.GetRequiredService<SpartanClient>();

        Assert.Same(client, provider.GetRequiredService<SpartanClient>());
        Assert.Equal(7, await client.GetSizeAsync("q", Ct));
        Assert.Equal(3, script.Calls);
    }
}
