using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Spartan.Client.Batching;
using Spartan.Client.Json;

namespace Spartan.Client;

/// <summary>A client of one Spartan node over <see cref="HttpClient"/>: every route, with pushes and deletes batched
/// automatically. Thread-safe; keep one per node (it holds the batchers) and dispose it to send what is pending.</summary>
public sealed partial class SpartanClient : IAsyncDisposable, IDisposable
{
    private readonly Func<HttpClient> _http;
    private readonly HttpClient? _owned;
    private readonly NodeRoute _route;
    private readonly ConcurrentDictionary<string, PushBatcher> _pushers = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, DeleteBatcher> _deleters = new(StringComparer.Ordinal);
    private int _disposed;
    private bool _closed;

    /// <summary>A client over <paramref name="http"/> (its handlers, its base address unless the options give one).
    /// No retries are added: <paramref name="http"/>'s own pipeline applies. Its <see cref="HttpClient.Timeout"/> must
    /// outlast the longest long poll (20 s) or pops with a wait get cut short.</summary>
    public SpartanClient(HttpClient http, SpartanClientOptions? options = null)
        : this(Check(http, options), options ?? new SpartanClientOptions())
    {
    }

    /// <summary>A client with its own connection pool at <see cref="SpartanClientOptions.BaseAddress"/>, retrying idempotent
    /// reads as the options say.</summary>
    public SpartanClient(SpartanClientOptions options)
        : this(OwnClient(options), options)
    {
        _owned = _http();
    }

    internal SpartanClient(Func<HttpClient> http, SpartanClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _http = http;
        Options = options;
        _route = new NodeRoute(options.BaseAddress, options.Nodes);
    }

    /// <summary>The options this client was made with; change them before the first call only.</summary>
    public SpartanClientOptions Options { get; }

    internal TimeProvider Time => Options.TimeProvider;

    /// <summary>Sends every push and delete still gathering into a batch, and waits until they are answered
    /// (<paramref name="ct"/> ends the wait, not the requests).</summary>
    public async Task FlushAsync(CancellationToken ct = default)
    {
        foreach (var batcher in _pushers.Values) await batcher.FlushAsync().WaitAsync(ct).ConfigureAwait(false);
        foreach (var batcher in _deleters.Values) await batcher.FlushAsync().WaitAsync(ct).ConfigureAwait(false);
    }

    /// <summary>Sends what is pending, then releases the connection pool the client made (never one it was given).</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1) return;
        foreach (var batcher in _pushers.Values) await batcher.DisposeAsync().ConfigureAwait(false);
        foreach (var batcher in _deleters.Values) await batcher.DisposeAsync().ConfigureAwait(false);
        // Only now: the batchers' last requests had to go out.
        _closed = true;
        _owned?.Dispose();
    }

    /// <summary>As <see cref="DisposeAsync"/>, blocking.</summary>
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    private static Func<HttpClient> Check(HttpClient http, SpartanClientOptions? options)
    {
        ArgumentNullException.ThrowIfNull(http);
        if (http.BaseAddress is null && options?.BaseAddress is null && options?.Nodes.Count is null or 0)
            throw new ArgumentException("Give the HttpClient a BaseAddress, or set SpartanClientOptions.BaseAddress.", nameof(http));
        return () => http;
    }

    private static Func<HttpClient> OwnClient(SpartanClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.BaseAddress is null && options.Nodes.Count == 0)
            throw new ArgumentException("SpartanClientOptions.BaseAddress (or Nodes) is required.", nameof(options));
        // Long polls are bounded per request (RequestTimeout + wait), so the client-wide timeout stays out of the way;
        // pooled connections are renewed so that a DNS change is followed.
        var handler = new RetryHandler(options.MaxRetries, options.RetryDelay, options.TimeProvider)
        {
            InnerHandler = new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(2) },
        };
        var client = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
        return () => client;
    }

    internal PushBatcher Pusher(string queue)
    {
        // A batcher made while the client closes would never be flushed.
        ObjectDisposedException.ThrowIf(_disposed == 1, this);
        return _pushers.GetOrAdd(queue, static (q, c) => new PushBatcher(c, q), this);
    }

    internal DeleteBatcher Deleter(string queue)
    {
        ObjectDisposedException.ThrowIf(_disposed == 1, this);
        return _deleters.GetOrAdd(queue, static (q, c) => new DeleteBatcher(c, q), this);
    }

    internal void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(_closed, this);

    internal static string Q(string queue)
    {
        ArgumentException.ThrowIfNullOrEmpty(queue);
        return Uri.EscapeDataString(queue);
    }

    internal static ByteArrayContent Json<T>(T value, JsonTypeInfo<T> info)
    {
        // Bytes, not a stream: the request has a Content-Length and can be sent again by a retry.
        var content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(value, info));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        return content;
    }

    /// <summary>One exchange: the answer when it is a success; null when it is a 404 titled <paramref name="nullWhen"/>;
    /// otherwise the typed exception of its problem. <paramref name="wait"/> lengthens the timeout of a long poll. In a
    /// cluster, a <c>503 Not primary</c> or a node that refuses the connection sends the call on to the primary or the
    /// next node (<see cref="SpartanClientOptions.FollowLeader"/>).</summary>
    internal async Task<HttpResponseMessage?> ExchangeAsync(HttpMethod method, string path, HttpContent? content,
        CancellationToken ct, bool idempotent = false, TimeSpan wait = default, string? nullWhen = null, Guid? messageId = null)
    {
        ThrowIfDisposed();
        for (var hop = 0; ; hop++)
        {
            var node = _route.Current;
            var mayHop = Options.FollowLeader && hop < Options.MaxLeaderHops;
            HttpResponseMessage response;
            try
            {
                response = await SendOnceAsync(method, node, path, content, idempotent, wait, ct).ConfigureAwait(false);
            }
            catch (HttpRequestException refused) when (mayHop && node is not null && _route.HasAlternatives && NeverSent(refused))
            {
                _route.Skip(node);
                await HopDelayAsync(hop, ct).ConfigureAwait(false);
                continue;
            }

            if (response.IsSuccessStatusCode) return response;
            using (response)
            {
                var problem = await ReadProblemAsync(response, ct).ConfigureAwait(false);
                if (mayHop && response.StatusCode == HttpStatusCode.ServiceUnavailable && problem?.Title == NotPrimary)
                {
                    if (Leader(response, node) is { } leader) _route.Follow(node!, leader);
                    else _route.Skip(node);
                    await HopDelayAsync(hop, ct).ConfigureAwait(false);
                    continue;
                }

                if (response.StatusCode == HttpStatusCode.NotFound && nullWhen is not null && problem?.Title == nullWhen) return null;
                throw ProblemMapper.Map(response.StatusCode, problem?.Title ?? response.ReasonPhrase, problem?.Detail, messageId);
            }
        }
    }

    private const string NotPrimary = "Not primary";
    private const string LeaderHeader = "Spartan-Leader";

    private async Task<HttpResponseMessage> SendOnceAsync(HttpMethod method, Uri? node, string path, HttpContent? content,
        bool idempotent, TimeSpan wait, CancellationToken ct)
    {
        var request = new HttpRequestMessage(method, node is null ? new Uri(path, UriKind.Relative) : new Uri(node, path))
        {
            Content = content,
        };
        try
        {
            if (Options.AccessKey is { } key) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
            if (idempotent) request.Options.Set(RetryHandler.Idempotent, true);

            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
            if (Options.RequestTimeout != Timeout.InfiniteTimeSpan) deadline.CancelAfter(Options.RequestTimeout + wait);
            try
            {
                return await _http().SendAsync(request, HttpCompletionOption.ResponseContentRead, deadline.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested && deadline.IsCancellationRequested)
            {
                throw new TimeoutException($"{method} {path}: no answer within {Options.RequestTimeout + wait}.");
            }
        }
        finally
        {
            // The content goes with the call, not with this attempt: a hop sends it again.
            request.Content = null;
            request.Dispose();
        }
    }

    /// <summary>The primary a <c>503 Not primary</c> names, unless it is the node that answered.</summary>
    private static Uri? Leader(HttpResponseMessage response, Uri? node) =>
        response.Headers.TryGetValues(LeaderHeader, out var values) && Uri.TryCreate(values.FirstOrDefault(), UriKind.Absolute, out var leader)
        && node is not null && NodeRoute.WithSlash(leader) != node
            ? leader
            : null;

    /// <summary>A connection that was never made (refused, unreachable): nothing reached the node, so another may take
    /// the call, whatever it is.</summary>
    private static bool NeverSent(HttpRequestException error) =>
        error.HttpRequestError is HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError;

    /// <summary>Grows from the retry delay, capped at 2 s: a failover takes a few seconds.</summary>
    private Task HopDelayAsync(int hop, CancellationToken ct)
    {
        var delay = TimeSpan.FromTicks(Math.Min(Options.RetryDelay.Ticks << Math.Min(hop, 4), TimeSpan.FromSeconds(2).Ticks));
        return hop == 0 ? Task.CompletedTask : Task.Delay(delay, Options.TimeProvider, ct);
    }

    /// <summary>An exchange whose answer is read as <typeparamref name="T"/>.</summary>
    internal async Task<T?> CallAsync<T>(HttpMethod method, string path, HttpContent? content, JsonTypeInfo<T> answer,
        CancellationToken ct, bool idempotent = false, TimeSpan wait = default, string? nullWhen = null, Guid? messageId = null)
        where T : class
    {
        using var response = await ExchangeAsync(method, path, content, ct, idempotent, wait, nullWhen, messageId).ConfigureAwait(false);
        if (response is null) return null;
        return await response.Content.ReadFromJsonAsync(answer, ct).ConfigureAwait(false)
               ?? throw new InvalidOperationException($"{method} {path}: the server answered null.");
    }

    /// <summary>An exchange whose answer carries nothing (the JSON <c>null</c>).</summary>
    internal async Task CallAsync(HttpMethod method, string path, HttpContent? content, CancellationToken ct, Guid? messageId = null)
    {
        using var response = await ExchangeAsync(method, path, content, ct, messageId: messageId).ConfigureAwait(false);
    }

    private static async Task<ProblemWire?> ReadProblemAsync(HttpResponseMessage response, CancellationToken ct)
    {
        if (response.Content.Headers.ContentType?.MediaType is not { } type || !type.EndsWith("json", StringComparison.OrdinalIgnoreCase))
            return null;
        try
        {
            return await response.Content.ReadFromJsonAsync(ClientJson.Default.ProblemWire, ct).ConfigureAwait(false);
        }
        catch (JsonException)
        {
            return null; // not a problem body after all: the status alone speaks
        }
    }
}
