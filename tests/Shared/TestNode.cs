using System.Net.Http.Json;
using System.Text.Json;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Spartan.Api.Configuration;
using Spartan.Api.Hosting;
using Spartan.Engine;

namespace Spartan.Tests.Shared;

/// <summary>A whole node (same builder as the binary) on an in-memory test server, driven by a fake clock.</summary>
internal sealed class TestNode : IAsyncDisposable
{
    public const string DefaultToml = """
        queues = ["default", "default-dead", "other"]
        [queue_settings.default]
        dead_letter = "default-dead"
        """;

    private readonly WebApplication _app;

    private TestNode(WebApplication app, FakeTimeProvider clock, HttpClient client)
    {
        _app = app;
        Clock = clock;
        Client = client;
    }

    public FakeTimeProvider Clock { get; }
    public IServiceProvider Services => _app.Services;
    public Spartan.Engine.Broker Broker => _app.Services.GetRequiredService<Spartan.Engine.Broker>();

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
    public Task StopAsync() => _app.StopAsync();
    public HttpClient Client { get; }

    /// <summary>The address of a real-HTTP node (<c>realHttp: true</c>), for tests that speak raw sockets.</summary>
    public Uri Address => Client.BaseAddress!;

    public static async Task<TestNode> StartAsync(string toml = DefaultToml, bool realHttp = false, CapturedLogs? logs = null)
    {
        var config = ConfigLoader.Parse(toml, Path.Combine(Path.GetTempPath(), "spartan-api-tests", "Spartan.toml"));
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 26, 12, 0, 0, TimeSpan.Zero));
        var address = realHttp ? "127.0.0.1:0" : "127.0.0.1:5680";
        Assert.True(HostAddress.TryParse(address, out var host));
        var storage = NodeStorage.Open(config, clock, Microsoft.Extensions.Logging.Abstractions.NullLogger<NodeStorage>.Instance);
        var app = SpartanServer.Build(config, storage, host!, LogLevel.Warning, builder =>
        {
            if (logs is not null) builder.Logging.AddProvider(logs);
            if (!realHttp)
            {
                builder.WebHost.UseTestServer();
                builder.Services.AddSingleton<TimeProvider>(clock);
            }
        });
        await app.StartAsync(TestContext.Current.CancellationToken);
        var client = realHttp
            ? new HttpClient { BaseAddress = new Uri(app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First()) }
            : app.GetTestClient();
        return new TestNode(app, clock, client);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        var storage = _app.Services.GetService<NodeStorage>();
        await _app.StopAsync();
        await _app.DisposeAsync();
        // As the CLI does: the store outlives the server, whose commit loop writes to it.
        storage?.Dispose();
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
