using System.Net.Http.Json;
using System.Text.Json;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Spartan.Testing;

namespace Spartan.Tests.Shared;

/// <summary>A whole node (same builder as the binary) on an in-memory test server, driven by a fake clock: the project's
/// own tests' face of <see cref="SpartanTestNode"/>, with the helpers they share.</summary>
internal sealed class TestNode : IAsyncDisposable
{
    public const string DefaultToml = """
        queues = ["default", "default-dead", "other"]
        [queue_settings.default]
        dead_letter = "default-dead"
        """;

    private readonly SpartanTestNode _node;

    private TestNode(SpartanTestNode node, FakeTimeProvider clock, HttpClient client)
    {
        _node = node;
        Clock = clock;
        Client = client;
    }

    /// <summary>The fake clock of a node on the test server; a real-HTTP node runs on the system clock.</summary>
    public FakeTimeProvider Clock { get; }
    public SpartanTestNode Node => _node;
    public IServiceProvider Services => _node.Services;
    public Spartan.Engine.Broker Broker => _node.Services.GetRequiredService<Spartan.Engine.Broker>();

    /// <summary>Waits (bounded) until the broker has parked <paramref name="count"/> consumers.</summary>
    public async Task WaitParkedAsync(int count)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (Broker.ParkedConsumers != count)
        {
            Assert.True(DateTime.UtcNow < deadline, $"parked {Broker.ParkedConsumers}, expected {count}");
            await Task.Delay(2, TestContext.Current.CancellationToken);
        }
    }

    /// <summary>Stops the node (as SIGTERM would) without disposing it.</summary>
    public Task StopAsync() => _node.StopAsync();
    public HttpClient Client { get; }

    /// <summary>The address of a real-HTTP node (<c>realHttp: true</c>), for tests that speak raw sockets.</summary>
    public Uri Address => Client.BaseAddress!;

    /// <summary>A node of <see cref="SpartanTestNode"/> (the package other people's tests use) serving
    /// <paramref name="toml"/>: on the test server with a fake clock, or on real HTTP with the system clock.</summary>
    public static async Task<TestNode> StartAsync(string toml = DefaultToml, bool realHttp = false, CapturedLogs? logs = null)
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 26, 12, 0, 0, TimeSpan.Zero));
        var node = await SpartanTestNode.StartAsync(new SpartanTestNodeOptions
        {
            Toml = toml,
            ConfigPath = Path.Combine(Path.GetTempPath(), "spartan-api-tests", "Spartan.toml"),
            Time = realHttp ? null : clock,
            RealHttp = realHttp,
            ConfigureLogging = logs is null ? null : logging => logging.AddProvider(logs),
        }, TestContext.Current.CancellationToken);
        return new TestNode(node, clock, node.CreateHttpClient());
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _node.DisposeAsync();
    }

    public void Advance(double seconds) => Clock.Advance(TimeSpan.FromSeconds(seconds));

    public static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    public async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string? json = null, string? key = null,
        CancellationToken? cancel = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (json is not null) request.Content = Json(json);
        if (key is not null) request.Headers.TryAddWithoutValidation("Authorization", key);
        return await Client.SendAsync(request, cancel ?? TestContext.Current.CancellationToken);
    }

    public async Task<Guid> PushAsync(string queue, string json = """{"body":"hello"}""")
    {
        var response = await SendAsync(HttpMethod.Post, $"/{queue}", json);
        response.EnsureSuccessStatusCode();
        return (await ReadAsync(response)).GetProperty("id").GetGuid();
    }

    public static async Task<JsonElement> ReadAsync(HttpResponseMessage response) =>
        await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);
}
