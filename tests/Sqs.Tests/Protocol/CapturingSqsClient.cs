using System.Net;
using System.Text;
using Amazon.Runtime;
using Amazon.SQS;

namespace Spartan.Sqs.Tests.Protocol;

/// <summary>A request as the SDK put it on the wire: headers by lowercase name, repeated values joined by ",".</summary>
internal sealed record CapturedRequest(
    string Method, string Url, string Path, string Query, IReadOnlyDictionary<string, string> Headers, byte[] Body)
{
    public string BodyText => Encoding.UTF8.GetString(Body);

    public string? Header(string lowercaseName) => Headers.TryGetValue(lowercaseName, out var value) ? value : null;
}

/// <summary>What the fake server answers: an AWS JSON 1.0 body and a status.</summary>
internal sealed record CannedResponse(string Json, HttpStatusCode Status = HttpStatusCode.OK);

/// <summary>
/// A real <see cref="AmazonSQSClient"/> whose HTTP requests never leave the process: each is recorded and answered
/// with <see cref="Respond"/>'s canned JSON, so tests see exactly what the SDK signs and how it checks answers.
/// </summary>
internal sealed class CapturingSqsClient : IDisposable
{
    public const string DefaultServiceUrl = "http://127.0.0.1:5680";

    private readonly CaptureHandler _handler = new();

    public CapturingSqsClient(AWSCredentials credentials, string serviceUrl = DefaultServiceUrl)
    {
        Client = new AmazonSQSClient(credentials, new AmazonSQSConfig
        {
            ServiceURL = serviceUrl,
            AuthenticationRegion = "us-east-1",
            HttpClientFactory = new Factory(_handler),
            MaxErrorRetry = 0,
        });
    }

    public AmazonSQSClient Client { get; }

    public List<CapturedRequest> Requests => _handler.Requests;

    public CapturedRequest Last => _handler.Requests[^1];

    /// <summary>The answer to each request; <c>{}</c> unless a test says otherwise.</summary>
    public Func<CapturedRequest, CannedResponse> Respond
    {
        get => _handler.Respond;
        set => _handler.Respond = value;
    }

    public void Dispose()
    {
        Client.Dispose();
        _handler.Dispose();
    }

    private sealed class Factory(CaptureHandler handler) : HttpClientFactory
    {
        // The SDK disposes the clients it is given when it does not cache them; the handler is ours to keep.
        public override HttpClient CreateHttpClient(IClientConfig clientConfig) => new(handler, disposeHandler: false);

        // The SDK's cache is global and keyed by configuration, so another test's handler could answer ours.
        public override bool UseSDKHttpClientCaching(IClientConfig clientConfig) => false;
    }

    private sealed class CaptureHandler : HttpMessageHandler
    {
        public List<CapturedRequest> Requests { get; } = [];

        public Func<CapturedRequest, CannedResponse> Respond { get; set; } = _ => new CannedResponse("{}");

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request,
            CancellationToken cancellationToken)
        {
            var body = request.Content is null ? [] : await request.Content.ReadAsByteArrayAsync(cancellationToken);
            // AWSSDK v4 builds its URIs with DangerousDisablePathAndQueryCanonicalization: the original string is
            // what goes on the wire.
            var url = request.RequestUri!.OriginalString;
            var target = url[(url.IndexOf('/', url.IndexOf("://", StringComparison.Ordinal) + 3) is var slash and >= 0
                ? slash
                : url.Length)..];
            var question = target.IndexOf('?', StringComparison.Ordinal);
            var path = question < 0 ? target : target[..question];
            var query = question < 0 ? "" : target[(question + 1)..];
            if (path.Length == 0)
                path = "/";

            var headers = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var (name, values) in request.Headers)
                headers[name.ToLowerInvariant()] = string.Join(',', values);
            if (request.Content is not null)
            {
                // Reading ContentLength makes HttpClient compute it, as it does before sending.
                _ = request.Content.Headers.ContentLength;
                foreach (var (name, values) in request.Content.Headers)
                    headers[name.ToLowerInvariant()] = string.Join(',', values);
            }

            // HttpClient writes Host from the URI when the request does not carry one.
            headers.TryAdd("host", new Uri(url).Authority);

            var captured = new CapturedRequest(request.Method.Method, url, path, query, headers, body);
            lock (Requests)
                Requests.Add(captured);

            var answer = Respond(captured);
            return new HttpResponseMessage(answer.Status)
            {
                Content = new StringContent(answer.Json, Encoding.UTF8, "application/x-amz-json-1.0"),
                Headers = { { "x-amzn-RequestId", Guid.NewGuid().ToString() } },
            };
        }
    }
}
