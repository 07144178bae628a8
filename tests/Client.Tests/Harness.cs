using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace Spartan.Client.Tests;

/// <summary>A node on an in-memory test server and a <see cref="SpartanClient"/> on the node's fake clock, whose every
/// request is recorded, so that a test can see the batches the client sent.</summary>
internal sealed class Harness : IAsyncDisposable
{
    private Harness(TestNode node, Recorder recorder, SpartanClient client)
    {
        Node = node;
        Recorder = recorder;
        Client = client;
    }

    public TestNode Node { get; }
    public Recorder Recorder { get; }
    public SpartanClient Client { get; }
    public static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>A node of <paramref name="toml"/>; the client lingers zero by default (batches form while one is in
    /// flight), since the fake clock does not move by itself.</summary>
    public static async Task<Harness> StartAsync(string toml = TestNode.DefaultToml, Action<SpartanClientOptions>? configure = null)
    {
        var node = await TestNode.StartAsync(toml);
        var server = (TestServer)node.Services.GetRequiredService<IServer>();
        var recorder = new Recorder { InnerHandler = server.CreateHandler() };
        var options = new SpartanClientOptions
        {
            TimeProvider = node.Clock,
            PushLinger = TimeSpan.Zero,
            DeleteLinger = TimeSpan.Zero,
        };
        configure?.Invoke(options);
        var client = new SpartanClient(new HttpClient(recorder) { BaseAddress = node.Client.BaseAddress }, options);
        return new Harness(node, recorder, client);
    }

    /// <summary>A second client on the same node (another consumer), batching off.</summary>
    public SpartanClient OtherClient() => new(Node.Client, new SpartanClientOptions { TimeProvider = Node.Clock, Batching = false });

    public void Advance(TimeSpan by) => Node.Clock.Advance(by);

    public async ValueTask DisposeAsync()
    {
        await Client.DisposeAsync();
        await Node.DisposeAsync();
    }

    /// <summary>Waits (bounded, in real time) until <paramref name="condition"/> holds.</summary>
    public static async Task EventuallyAsync(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"timed out waiting for: {what}");
            await Task.Delay(2, Ct);
        }
    }

    /// <summary>Waits (bounded, in real time) until <paramref name="condition"/> holds.</summary>
    public static async Task EventuallyAsync(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"timed out waiting for: {what}");
            await Task.Delay(2, Ct);
        }
    }
}

/// <summary>Records every request (method, path and query, body) before passing it on.</summary>
internal sealed class Recorder : DelegatingHandler
{
    private readonly ConcurrentQueue<Recorded> _requests = new();
    private readonly ConcurrentQueue<Recorded> _answered = new();

    /// <summary>The requests answered so far (any status), in the order of their answers.</summary>
    public IReadOnlyList<Recorded> Answered => [.. _answered];

    public IReadOnlyList<Recorded> Requests => [.. _requests];

    /// <summary>The requests of <paramref name="method"/> to a path ending with <paramref name="suffix"/> (query aside).</summary>
    public IReadOnlyList<Recorded> Of(HttpMethod method, string suffix) =>
        [.. _requests.Where(r => r.Method == method && r.Path.Split('?')[0].EndsWith(suffix, StringComparison.Ordinal))];

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = request.Content is null ? null : await request.Content.ReadAsStringAsync(cancellationToken);
        var recorded = new Recorded(request.Method, request.RequestUri!.PathAndQuery, body);
        _requests.Enqueue(recorded);
        var response = await base.SendAsync(request, cancellationToken);
        _answered.Enqueue(recorded);
        return response;
    }
}

/// <summary>One recorded request.</summary>
internal sealed record Recorded(HttpMethod Method, string Path, string? Body)
{
    /// <summary>How many entries the JSON array <paramref name="field"/> of the body holds.</summary>
    public int Count(string field) => JsonDocument.Parse(Body!).RootElement.GetProperty(field).GetArrayLength();

    /// <summary>The strings of the JSON array <paramref name="field"/> of the body, or of each object's <paramref name="inner"/>.</summary>
    public IReadOnlyList<string> Strings(string field, string? inner = null) =>
        [.. JsonDocument.Parse(Body!).RootElement.GetProperty(field).EnumerateArray()
            .Select(e => (inner is null ? e : e.GetProperty(inner)).GetString()!)];
}
