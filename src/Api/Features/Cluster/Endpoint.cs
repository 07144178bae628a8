using FastEndpoints;
using Spartan.Api.Hosting;
using Spartan.Api.Http;
using Spartan.Engine;
using Spartan.Replication.Cluster;

namespace Spartan.Api.Features.Cluster;

/// <summary><c>GET /_/cluster</c> (SPEC §13): the cluster as this node last read it from etcd — its name, the leader and
/// its epoch, every live member with its role, address, applied sequence, lag and health. Served by every node; on a
/// node without <c>[cluster]</c>, 404.</summary>
public sealed class ClusterEndpoint(Broker broker, IServiceProvider services) : EndpointWithoutRequest<ClusterResponse>
{
    private readonly ClusterCoordination? _cluster = services.GetService<ClusterCoordination>();

    /// <summary>A replica this many events behind the primary, or more, is not healthy.</summary>
    public const long HealthyLag = 10_000;

    public override void Configure()
    {
        Get("/_/cluster");
        Options(b => b.WithMetadata(RouteAccess.AnyKey));
        Summary(s =>
        {
            s.Summary = "The cluster: leader, epoch and members";
            s.Description = "Every node answers with what it last read from etcd (within a third of the lease's ttl). leader " +
                            "is null while no node holds the leader key. A member is healthy while it renews its lease and, " +
                            $"for a replica, is fewer than {HealthyLag} events behind the primary. 404 on a node without [cluster].";
            s.Response(200, "The cluster as this node sees it");
            s.Response<Problem>(404, "This node is not in a cluster", Problems.ContentType);
        });
    }

    public override async Task HandleAsync(CancellationToken ct)
    {
        var cluster = _cluster;
        if (cluster?.Node is not { } node)
        {
            var detail = cluster is null ? "This node has no [cluster] section." : "This node has not joined its cluster yet.";
            await Problems.WriteAsync(HttpContext, cluster is null ? StatusCodes.Status404NotFound : StatusCodes.Status503ServiceUnavailable,
                cluster is null ? "Not found" : Problems.NotReady, detail);
            return;
        }

        var view = node.View;
        var leader = view.Leader;
        // The primary knows its own position now; the others' figures are what each last published.
        var top = leader is null ? 0 : view.Members.FirstOrDefault(m => m.Node == leader.Node)?.Applied ?? 0;
        if (node.Role == ClusterRole.Primary) top = Math.Max(top, broker.CommittedSequence);
        var members = new List<ClusterMemberJson>(view.Members.Count);
        foreach (var member in view.Members)
        {
            var isLeader = member.Node == leader?.Node;
            var applied = member.Node == cluster.Config.Node ? broker.CommittedSequence : member.Applied;
            var lag = isLeader ? 0 : Math.Max(0, top - applied);
            members.Add(new ClusterMemberJson(member.Node, isLeader ? ClusterMember.Primary : ClusterMember.Replica, member.Http,
                applied, lag, isLeader || (leader is not null && lag < HealthyLag)));
        }

        await Replies.OkAsync(HttpContext, new ClusterResponse(cluster.Config.Name, leader?.Node, leader?.Epoch ?? node.Epoch, members),
            ApiJson.Web.ClusterResponse);
    }
}

/// <summary>Answer of <c>GET /_/cluster</c>.</summary>
public sealed record ClusterResponse(string Name, string? Leader, long Epoch, IReadOnlyList<ClusterMemberJson> Members);

/// <summary>One live member of the cluster.</summary>
public sealed record ClusterMemberJson(string Node, string Role, string Http, long Applied, long LagEvents, bool Healthy);
