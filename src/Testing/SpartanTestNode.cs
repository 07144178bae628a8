using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Spartan.Api.Configuration;
using Spartan.Api.Hosting;

namespace Spartan.Testing;

/// <summary>A whole Spartan node in the test's own process: the server the <c>spartan</c> binary runs, built the same
/// way, kept in memory, served on an in-memory test server (or real HTTP on 127.0.0.1), optionally on a fake clock.
/// Dispose it to stop it; every message it held is gone with it.</summary>
/// <example>
/// <code>
/// await using var node = await SpartanTestNode.StartAsync(new SpartanTestNodeOptions { Queues = { "jobs" } });
/// using var http = node.CreateHttpClient();
/// await http.PostAsync("/jobs", new StringContent("""{"body": "hello"}"""));
/// var message = await http.GetStringAsync("/jobs");   // {"id": …, "body": "hello", "receipt": …, …}
/// </code>
/// </example>
public sealed class SpartanTestNode : IAsyncDisposable
{
    /// <summary>Where a node that was given no <see cref="SpartanTestNodeOptions.ConfigPath"/> reads its configuration
    /// as coming from.</summary>
    public static string DefaultConfigPath { get; } = Path.Combine(Path.GetTempPath(), "spartan-testing", "Spartan.toml");

    private readonly WebApplication _app;
    private readonly NodeStorage _storage;
    private readonly TestServer? _testServer;
    private int _disposed;

    private SpartanTestNode(WebApplication app, NodeStorage storage, string toml, TimeProvider time)
    {
        _app = app;
        _storage = storage;
        Toml = toml;
        Time = time;
        _testServer = app.Services.GetRequiredService<IServer>() as TestServer;
        BaseAddress = _testServer?.BaseAddress ?? new Uri(
            app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First());
    }

    /// <summary>The address the node answers at: <c>http://localhost/</c> on the in-memory test server (only its own
    /// clients reach it), <c>http://127.0.0.1:PORT/</c> with <see cref="SpartanTestNodeOptions.RealHttp"/>
    /// (<c>https://</c> when the configuration has a <c>[tls]</c> table).</summary>
    public Uri BaseAddress { get; }

    /// <summary>The node's services, for a test that needs to look inside (such as the server's
    /// <c>Spartan.Engine.Broker</c>).</summary>
    public IServiceProvider Services => _app.Services;

    /// <summary>The <c>Spartan.toml</c> text the node runs.</summary>
    public string Toml { get; }

    /// <summary>The clock the node runs on: <see cref="SpartanTestNodeOptions.Time"/>, or the system clock.</summary>
    public TimeProvider Time { get; }

    /// <summary>Whether the node listens on real HTTP (<see cref="SpartanTestNodeOptions.RealHttp"/>).</summary>
    public bool RealHttp => _testServer is null;

    /// <summary>Starts a node that declares no queue and creates them when asked (<c>PUT /_/queues/{name}</c>).</summary>
    public static Task<SpartanTestNode> StartAsync(CancellationToken cancellationToken = default) =>
        StartAsync(new SpartanTestNodeOptions(), cancellationToken);

    /// <summary>Starts a node as <paramref name="options"/> say; it is serving when the task completes.</summary>
    /// <exception cref="ArgumentException">The options make a configuration the server refuses (the message says
    /// why, as the <c>spartan</c> binary would).</exception>
    public static async Task<SpartanTestNode> StartAsync(SpartanTestNodeOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var toml = options.ToToml();
        SpartanConfig config;
        try
        {
            config = ConfigLoader.Parse(toml, options.ConfigPath ?? DefaultConfigPath);
        }
        catch (ConfigException e)
        {
            throw new ArgumentException($"The test node's configuration is refused: {e.Message}\n--- Spartan.toml ---\n{toml}",
                nameof(options), e);
        }

        var time = options.Time ?? TimeProvider.System;
        // The in-memory test server replaces Kestrel: the address is then only a name.
        var address = new HostAddress(new IPEndPoint(IPAddress.Loopback, options.RealHttp ? 0 : 5680));
        var storage = NodeStorage.Open(config, time, NullLogger<NodeStorage>.Instance);
        WebApplication? app = null;
        try
        {
            app = SpartanServer.Build(config, storage, address, options.LogLevel, builder =>
            {
                options.ConfigureLogging?.Invoke(builder.Logging);
                if (!options.RealHttp) builder.WebHost.UseTestServer();
                if (options.Time is { } clock) builder.Services.AddSingleton(clock);
            });
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
            return new SpartanTestNode(app, storage, toml, time);
        }
        catch
        {
            if (app is not null) await app.DisposeAsync().ConfigureAwait(false);
            // As the CLI does: the store outlives the server, whose commit loop writes to it.
            storage.Dispose();
            throw;
        }
    }

    /// <summary>An HTTP client whose <see cref="HttpClient.BaseAddress"/> is the node's, so requests name just the path
    /// (<c>"/jobs"</c>). The caller disposes it.</summary>
    public HttpClient CreateHttpClient() => _testServer?.CreateClient() ?? new HttpClient(CreateHandler()) { BaseAddress = BaseAddress };

    /// <summary>A handler that reaches the node, for clients built elsewhere (an SDK's own <see cref="HttpClient"/>):
    /// the test server's handler, or a plain socket handler with <see cref="SpartanTestNodeOptions.RealHttp"/>. Give
    /// the client <see cref="BaseAddress"/> as its base address. The caller disposes it.</summary>
    public HttpMessageHandler CreateHandler() => _testServer?.CreateHandler() ?? new SocketsHttpHandler();

    /// <summary>Stops the node as SIGTERM stops the binary (long polls answered, background jobs ended) without disposing
    /// it; its <see cref="Services"/> stay readable.</summary>
    public Task StopAsync(CancellationToken cancellationToken = default) => _app.StopAsync(cancellationToken);

    /// <summary>Stops the node if it still runs and releases it.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        try
        {
            await _app.StopAsync().ConfigureAwait(false);
            await _app.DisposeAsync().ConfigureAwait(false);
        }
        finally
        {
            _storage.Dispose();
        }
    }
}
