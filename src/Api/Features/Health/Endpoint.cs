using System.Text.Json.Serialization;
using FastEndpoints;
using NodaTime;
using Spartan.Api.Hosting;
using Spartan.Api.Http;
using Spartan.Replication.Replica;

namespace Spartan.Api.Features.Health;

/// <summary><c>GET /_/health[?ready=1]</c>: liveness, role and version; on a replica, how it follows its primary. Never
/// needs a key. <c>ready=1</c> answers 503 on a replica that is disconnected or more than 10 s behind (SPEC §8).</summary>
public sealed class HealthEndpoint(NodeInfo node, ReplicationLinks links, TimeProvider time, IServiceProvider services)
    : EndpointWithoutRequest<HealthResponse>
{
    private readonly ClusterCoordination? _cluster = services.GetService<ClusterCoordination>();

    public override void Configure()
    {
        Get("/_/health");
        Options(b => b.WithMetadata(
            RouteAccess.Open,
            new QueryParameter("ready", "1: answer 503 unless this node is fit to serve reads now")));
        Summary(s =>
        {
            s.Summary = "Liveness, role and version";
            s.Description = "Never needs a key. role is primary, replica or standalone. A replica adds primary: whether it is " +
                            "connected to its primary, the sequence it applied, how many seconds behind it is and when it last " +
                            "heard from it. With ready=1 a replica that is disconnected or more than 10 s behind answers 503 " +
                            "(it still serves reads; this is for load balancers).";
            s.Response(200, "The node is up", example: Examples.Health);
            s.Response<Problem>(503, "`Not ready`: a replica disconnected from its primary or more than 10 s behind (only with ready=1)",
                Problems.ContentType);
        });
    }

    public override async Task HandleAsync(CancellationToken ct)
    {
        var now = Instant.FromDateTimeOffset(time.GetUtcNow());
        // A cluster node is a replica or the primary as etcd says now; only a replica follows a primary.
        var role = _cluster?.Node?.Role is { } current
            ? current == Replication.Cluster.ClusterRole.Primary ? "primary" : NodeInfo.ReplicaRole
            : node.Role;
        var view = role == NodeInfo.ReplicaRole ? links.Replica?.Status.Read(now) : null;
        if (view is { } replica && HttpContext.Request.Query["ready"] == "1" && !Ready(replica))
        {
            await Problems.WriteAsync(HttpContext, StatusCodes.Status503ServiceUnavailable, Problems.NotReady,
                replica.Connected
                    ? $"This replica is {replica.LagSeconds:F1} s behind its primary."
                    : "This replica is not connected to its primary.");
            return;
        }

        var primary = view is { } v
            ? new PrimaryLinkJson(v.Connected, v.Applied, Math.Round(v.LagSeconds, 3), v.LastContact is { } at ? Rfc3339.Format(at, 0) : null)
            : null;
        await Replies.OkAsync(HttpContext, new HealthResponse("ok", role, node.Version, primary), ApiJson.Web.HealthResponse);
    }

    private static bool Ready(ReplicaView view) => view.Connected && view.LagSeconds <= ReplicaStatus.ReadyLag.TotalSeconds;
}

/// <summary>Answer of health; <see cref="Primary"/> only on a replica.</summary>
public sealed record HealthResponse(
    string Status,
    string Role,
    string Version,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] PrimaryLinkJson? Primary = null);

/// <summary>How a replica follows its primary (SPEC §8).</summary>
public sealed record PrimaryLinkJson(bool Connected, long Applied, double LagSeconds, string? LastContact);
