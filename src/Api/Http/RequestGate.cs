using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.WebUtilities;
using Spartan.Api.Hosting;
using Spartan.Engine;

namespace Spartan.Api.Http;

/// <summary>The one gate of every route (SPEC §3.4, §9). It runs after routing has chosen the endpoint and before the
/// endpoint reads anything, and answers the first failing check from the request line and headers alone — auth
/// (400/401) → queue exists (404) → write on a replica (503) → <c>Content-Length</c> over the route's byte limit
/// (413) — so a refused request costs no more memory than its headers.</summary>
/// <remarks>What needs the body (decoded size, syntax, validity) is answered by <see cref="BodyGate"/> once
/// <see cref="JsonBodyBinder{T}"/> has read it, which keeps SPEC's order: those checks all come after these.</remarks>
public sealed class RequestGate(RequestDelegate next, AccessKeys keys, Broker broker, ApiLimits limits, NodeInfo node,
    DirectRoutes direct, ClusterCoordination? cluster = null)
{
    public const string QueueRouteValue = "queue";

    private readonly bool _replica = node.Role == NodeInfo.ReplicaRole;

    public Task InvokeAsync(HttpContext context)
    {
        var endpoint = context.GetEndpoint();
        if (endpoint?.Metadata.GetMetadata<GateRule>() is not { } rule) return Unruled(context, endpoint);

        var request = context.Request;
        var queue = rule.Access == Access.QueueKey ? request.RouteValues[QueueRouteValue] as string ?? "" : null;
        var access = rule.Access switch
        {
            Access.Open => AccessResult.Granted,
            Access.QueueKey => keys.Check(request.Headers.Authorization, queue!),
            Access.AnyKey => keys.CheckAny(request.Headers.Authorization, out _),
            _ => keys.CheckWildcard(request.Headers.Authorization),
        };
        if (access != AccessResult.Granted) return Refuse(context, access);

        if (queue is not null && !broker.HasQueue(queue))
            return RefuseAsync(context, StatusCodes.Status404NotFound, Problems.QueueNotFound);

        if (_replica && rule.Writes)
            return RefuseAsync(context, StatusCodes.Status503ServiceUnavailable, Problems.ReadOnlyReplica,
                "This node is a replica; send writes to its primary.");

        if (cluster is not null && rule.Writes && !cluster.MayAcknowledge)
        {
            context.LeaveBodyUnread();
            return NotPrimaryAsync(context, cluster);
        }

        var limit = rule.Body == BodyKind.Batch ? limits.BatchRequestLimit : limits.RequestLimit;
        if (rule.Body != BodyKind.None && request.ContentLength > limit)
            return RefuseAsync(context, StatusCodes.Status413PayloadTooLarge, Problems.MessageTooLarge,
                $"A request to this route may hold at most {limit} bytes.");

        context.BoundBody(limit);
        // The single-message routes are run from here rather than through the rest of the pipeline (DirectRoutes).
        return rule.Direct is { } route ? direct.RunAsync(route, context) : next(context);
    }

    /// <summary>Answers a failed access check with the status and title of SPEC §3.4.</summary>
    private static Task Refuse(HttpContext http, AccessResult access) => access switch
    {
        AccessResult.NoHeader => RefuseAsync(http, StatusCodes.Status400BadRequest, Problems.NoAuthorizationHeader),
        AccessResult.IncorrectHeader => RefuseAsync(http, StatusCodes.Status400BadRequest, Problems.IncorrectKeyHeader,
            "Expected 'Authorization: Bearer <key>'."),
        _ => RefuseAsync(http, StatusCodes.Status401Unauthorized, Problems.AccessDenied),
    };

    /// <summary>503 <c>Not primary</c>, naming the primary in <c>Spartan-Leader</c> when there is one (SPEC §13).</summary>
    public static Task NotPrimaryAsync(HttpContext context, ClusterCoordination cluster)
    {
        if (cluster.LeaderUrl(context.Request.Scheme) is { } leader) context.Response.Headers[Problems.LeaderHeader] = leader;
        return Problems.WriteAsync(context, StatusCodes.Status503ServiceUnavailable, Problems.NotPrimary,
            "This node is not the cluster's primary: send writes to the node in Spartan-Leader, or retry once one is elected.");
    }

    /// <summary>Answers before the body is read, and makes sure it never is.</summary>
    private static Task RefuseAsync(HttpContext context, int status, string title, string? detail = null)
    {
        context.LeaveBodyUnread();
        return Problems.WriteAsync(context, status, title, detail);
    }

    /// <summary>An endpoint without a rule: no route matched (404, or the OpenAPI and docs middleware), routing's own
    /// 405/415 answers (no metadata at all), or an endpoint a library mapped that is not part of the API. None of
    /// them reads a body.</summary>
    private Task Unruled(HttpContext context, Endpoint? endpoint)
    {
        if (endpoint is { Metadata.Count: > 0 })
            return RefuseAsync(context, StatusCodes.Status404NotFound, ReasonPhrases.GetReasonPhrase(StatusCodes.Status404NotFound));

        context.LeaveBodyUnread();
        return next(context);
    }
}
