using FastEndpoints;
using Spartan.Api.Hosting;
using Spartan.Api.Http;

namespace Spartan.Api.Features.Health;

/// <summary><c>GET /_/health</c>: liveness and role; never needs a key.</summary>
public sealed class HealthEndpoint(NodeInfo node) : EndpointWithoutRequest<HealthResponse>
{
    public override void Configure() => Get("/_/health");

    public override Task HandleAsync(CancellationToken ct) =>
        Replies.OkAsync(HttpContext, new HealthResponse("ok", node.Role, node.Version), ApiJson.Web.HealthResponse);
}

/// <summary>Answer of health.</summary>
public sealed record HealthResponse(string Status, string Role, string Version);
