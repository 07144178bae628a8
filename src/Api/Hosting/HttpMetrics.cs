using System.Collections.Concurrent;
using Prometheus;

namespace Spartan.Api.Hosting;

/// <summary><c>spartan_http_requests_total{route,status}</c> (SPEC §8): every answered request, by its route template
/// (<c>/{queue}/batch</c>, never the path itself, so queue names and junk paths add no series) and status.</summary>
/// <remarks>Counted by <see cref="HttpMetricsMiddleware"/> on request threads; children are cached per pair, so a
/// request costs one dictionary lookup and an interlocked add.</remarks>
public sealed class HttpMetrics(IMetricFactory factory)
{
    /// <summary>The label of requests that matched no route.</summary>
    public const string Unmatched = "unmatched";

    private readonly Counter _requests = factory.CreateCounter("spartan_http_requests_total",
        "HTTP requests answered, by route template and status code.", ["route", "status"]);

    private readonly ConcurrentDictionary<(string Route, int Status), Counter.Child> _children = new();

    public void Count(string route, int status)
    {
        if (!_children.TryGetValue((route, status), out var child))
            child = _children.GetOrAdd((route, status),
                static (key, counter) => counter.WithLabels(key.Route, key.Status.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                _requests);
        child.Inc();
    }
}

/// <summary>Counts each request once it is answered; outermost, so it sees the status the client got.</summary>
public sealed class HttpMetricsMiddleware(RequestDelegate next, NodeMetrics metrics)
{
    public async Task InvokeAsync(HttpContext context)
    {
        try
        {
            await next(context);
        }
        finally
        {
            var route = (context.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText
                        ?? context.Items[Features.Sqs.SqsDoor.RouteItem] as string ?? HttpMetrics.Unmatched;
            metrics.Http.Count(route, context.Response.StatusCode);
        }
    }
}
