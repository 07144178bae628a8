using FastEndpoints;
using Spartan.Api.Hosting;
using Spartan.Api.Http;

namespace Spartan.Api.Features.Health;

/// <summary><c>GET /_/health</c>: liveness and role; never needs a key.</summary>
public sealed class HealthEndpoint(NodeInfo node) : EndpointWithoutRequest<HealthResponse>
{
    public override void Configure()
    {
        Get("/_/health");
        Options(b => b.WithMetadata(RouteAccess.Open));
        Summary(s =>
        {
            s.Summary = "Liveness, role and version";
            s.Description = "Never needs a key. role is primary, replica or standalone.";
            s.Response(200, "The node is up", example: Examples.Health);
        });
    }

    public override Task HandleAsync(CancellationToken ct) =>
        Replies.OkAsync(HttpContext, new HealthResponse("ok", node.Role, node.Version), ApiJson.Web.HealthResponse);
}

/// <summary>Answer of health.</summary>
public sealed record HealthResponse(string Status, string Role, string Version);
