using FastEndpoints;
using Spartan.Api.Hosting;
using Spartan.Api.Http;

namespace Spartan.Api.Features.Metrics;

/// <summary><c>GET /_/metrics</c>: Prometheus text format; needs a <c>*</c> key when keys are configured (SPEC §9).</summary>
public sealed class MetricsEndpoint(NodeMetrics metrics) : EndpointWithoutRequest
{
    public override void Configure()
    {
        Get("/_/metrics");
        Options(b => b.WithMetadata(RouteAccess.WildcardKey));
        Summary(s =>
        {
            s.Summary = "Prometheus metrics (needs a wildcard key when keys are configured)";
            s.Description = "Prometheus text format: messages per queue and state, counters of pushes, pops, deletes, " +
                            "requeues, expiries and dead-letters per queue, parked long polls, store write latency.";
            s.Response(200, "Prometheus text exposition format 0.0.4", "text/plain", Examples.Metrics);
            s.KeyErrors("unknown key, or a key without \"*\"");
        });
    }

    public override async Task HandleAsync(CancellationToken ct)
    {
        HttpContext.Response.ContentType = "text/plain; version=0.0.4; charset=utf-8";
        await metrics.Registry.CollectAndExportAsTextAsync(HttpContext.Response.Body, ct);
        HttpContext.MarkResponseStart();
    }
}
