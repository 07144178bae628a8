using Amazon.Runtime;
using Amazon.SQS;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace Spartan.Sqs.Tests;

/// <summary>A node on the in-memory test server (fake clock) and real AWS SDK clients pointed at it.</summary>
internal sealed class SqsNode : IAsyncDisposable
{
    public const string ServiceUrl = "http://127.0.0.1:5680";

    private readonly List<IDisposable> _clients = [];

    private SqsNode(TestNode node) => Node = node;

    public TestNode Node { get; }

    /// <summary>Requests that reached the server, by <c>X-Amz-Target</c>; the SDK's retries count each.</summary>
    public int Requests => _counter.Count;

    private readonly RequestCounter _counter = new();

    /// <summary>Starts a node whose fake clock reads the real time plus <paramref name="clockAhead"/>: the SDK signs with
    /// the real clock, so signatures are in date unless a test sets the node's clock apart.</summary>
    public static async Task<SqsNode> StartAsync(string toml = "queues = [\"q\", \"q-dead\"]\n", TimeSpan clockAhead = default)
    {
        var node = await TestNode.StartAsync(toml);
        var now = DateTimeOffset.UtcNow + clockAhead;
        if (now > node.Clock.GetUtcNow()) node.Clock.SetUtcNow(now);
        return new SqsNode(node);
    }

    /// <summary>An SDK client; anonymous (no Authorization header) unless an id and secret are given.</summary>
    public AmazonSQSClient Client(string? keyId = null, string? secret = null, int retries = 0, string region = "us-east-1")
    {
        AWSCredentials credentials = keyId is null ? new AnonymousAWSCredentials() : new BasicAWSCredentials(keyId, secret);
        var server = (TestServer)Node.Services.GetRequiredService<IServer>();
        var client = new AmazonSQSClient(credentials, new AmazonSQSConfig
        {
            ServiceURL = ServiceUrl,
            AuthenticationRegion = region,
            HttpClientFactory = new TestServerClients(server, _counter),
            MaxErrorRetry = retries,
        });
        _clients.Add(client);
        return client;
    }

    public static string QueueUrl(string queue) => $"{ServiceUrl}/000000000000/{queue}";

    public async ValueTask DisposeAsync()
    {
        foreach (var client in _clients) client.Dispose();
        await Node.DisposeAsync();
    }

    private sealed class RequestCounter
    {
        private int _count;

        public int Count => Volatile.Read(ref _count);

        public void Add() => Interlocked.Increment(ref _count);
    }

    private sealed class TestServerClients(TestServer server, RequestCounter counter) : HttpClientFactory
    {
        public override HttpClient CreateHttpClient(IClientConfig clientConfig) =>
            new(new Canonical(server.CreateHandler(), counter)) { Timeout = TimeSpan.FromMinutes(2) };

        // The SDK's cache is global and keyed by configuration: another test's server could answer this one.
        public override bool UseSDKHttpClientCaching(IClientConfig clientConfig) => false;
    }

    /// <summary>AWSSDK v4 builds URIs with DangerousDisablePathAndQueryCanonicalization, which TestServer refuses; the
    /// same URI without that flag is what a socket would carry.</summary>
    private sealed class Canonical(HttpMessageHandler inner, RequestCounter counter) : DelegatingHandler(inner)
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            request.RequestUri = new Uri(request.RequestUri!.OriginalString);
            counter.Add();
            return base.SendAsync(request, cancellationToken);
        }
    }
}
