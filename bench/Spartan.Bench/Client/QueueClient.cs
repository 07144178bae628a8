using System.Net.Http.Headers;
using System.Net;
using System.Text;

namespace Spartan.Bench.Client;

/// <summary>One bench client: its own <see cref="HttpClient"/> on one keep-alive HTTP/1.1 connection, speaking the
/// queue routes of SPEC §3 for the one queue under test. Unexpected statuses throw <see cref="BenchHttpException"/>.</summary>
internal sealed class QueueClient : IDisposable
{
    private static readonly MediaTypeHeaderValue Json = new("application/json");
    private readonly HttpClient _http;
    private readonly Uri _queue;
    private readonly Uri _batch;
    private readonly Uri _size;
    private readonly Uri _clear;
    private readonly Dictionary<int, Uri> _popBatch = [];

    public QueueClient(Uri server, string queue)
    {
        if (!IPAddress.TryParse(server.Host, out var ip) || !IPAddress.IsLoopback(ip))
            throw new ArgumentException($"the bench talks to loopback only, not {server}");
        var handler = new SocketsHttpHandler
        {
            MaxConnectionsPerServer = 1,
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(10),
            ConnectTimeout = TimeSpan.FromSeconds(5),
            AutomaticDecompression = DecompressionMethods.None,
            UseCookies = false,
            UseProxy = false,
            AllowAutoRedirect = false,
        };
        _http = new HttpClient(handler, disposeHandler: true)
        {
            Timeout = TimeSpan.FromSeconds(60),
            DefaultRequestVersion = HttpVersion.Version11,
            DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        _queue = new Uri(server, queue);
        _batch = new Uri(server, queue + "/batch");
        _size = new Uri(server, queue + "/size");
        _clear = new Uri(server, queue + "/clear");
    }

    /// <summary><c>POST /{queue}</c> with a prebuilt <c>{"body": …}</c>.</summary>
    public async Task PushAsync(byte[] json, CancellationToken ct)
    {
        using var response = await _http.PostAsync(_queue, Content(json), ct);
        await ExpectOkAsync(response, "POST /{queue}", ct);
    }

    /// <summary><c>POST /{queue}/batch</c> with a prebuilt <c>{"messages": […]}</c>.</summary>
    public async Task PushBatchAsync(byte[] json, CancellationToken ct)
    {
        using var response = await _http.PostAsync(_batch, Content(json), ct);
        await ExpectOkAsync(response, "POST /{queue}/batch", ct);
    }

    /// <summary><c>GET /{queue}</c>: the reserved message's id, or null when none is visible (404).</summary>
    public async Task<string?> PopAsync(CancellationToken ct)
    {
        using var response = await _http.GetAsync(_queue, ct);
        var bytes = await response.Content.ReadAsByteArrayAsync(ct);
        if (response.StatusCode == HttpStatusCode.NotFound) return null;
        if (response.StatusCode != HttpStatusCode.OK) throw Unexpected("GET /{queue}", response, bytes);
        return JsonIds.TopLevelId(bytes) ?? throw Unexpected("GET /{queue} (no id)", response, bytes);
    }

    /// <summary><c>DELETE /{queue}</c> by id.</summary>
    public async Task DeleteAsync(string id, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Delete, _queue) { Content = Content(Payloads.Delete(id)) };
        using var response = await _http.SendAsync(request, ct);
        await ExpectOkAsync(response, "DELETE /{queue}", ct);
    }

    /// <summary><c>GET /{queue}/batch?count=N</c>: the ids reserved (none when nothing is visible).</summary>
    public async Task<List<string>> PopBatchAsync(int count, CancellationToken ct)
    {
        if (!_popBatch.TryGetValue(count, out var uri)) _popBatch[count] = uri = new Uri(_batch + "?count=" + count);
        using var response = await _http.GetAsync(uri, ct);
        var bytes = await response.Content.ReadAsByteArrayAsync(ct);
        if (response.StatusCode != HttpStatusCode.OK) throw Unexpected("GET /{queue}/batch", response, bytes);
        return JsonIds.MessageIds(bytes);
    }

    /// <summary><c>DELETE /{queue}/batch</c>.</summary>
    public async Task DeleteBatchAsync(IReadOnlyList<string> ids, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Delete, _batch) { Content = Content(Payloads.DeleteBatch(ids)) };
        using var response = await _http.SendAsync(request, ct);
        await ExpectOkAsync(response, "DELETE /{queue}/batch", ct);
    }

    /// <summary><c>GET /{queue}/size</c>.</summary>
    public async Task<long> SizeAsync(CancellationToken ct)
    {
        using var response = await _http.GetAsync(_size, ct);
        var bytes = await response.Content.ReadAsByteArrayAsync(ct);
        if (response.StatusCode != HttpStatusCode.OK) throw Unexpected("GET /{queue}/size", response, bytes);
        return JsonIds.TopLevelLong(bytes, "size") ?? throw Unexpected("GET /{queue}/size (no size)", response, bytes);
    }

    /// <summary><c>POST /{queue}/clear</c>.</summary>
    public async Task ClearAsync(CancellationToken ct)
    {
        using var response = await _http.PostAsync(_clear, Content([]), ct);
        await ExpectOkAsync(response, "POST /{queue}/clear", ct);
    }

    public void Dispose() => _http.Dispose();

    private static ByteArrayContent Content(byte[] json)
    {
        var content = new ByteArrayContent(json);
        content.Headers.ContentType = Json;
        return content;
    }

    private static async Task ExpectOkAsync(HttpResponseMessage response, string request, CancellationToken ct)
    {
        // Reading the answer to its end hands the connection back for the next request.
        var bytes = await response.Content.ReadAsByteArrayAsync(ct);
        if (response.StatusCode != HttpStatusCode.OK) throw Unexpected(request, response, bytes);
    }

    private static BenchHttpException Unexpected(string request, HttpResponseMessage response, byte[] body) =>
        new(request, response.StatusCode, Encoding.UTF8.GetString(body));
}
