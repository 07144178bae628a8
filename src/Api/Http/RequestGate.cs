using System.Collections.Frozen;
using FastEndpoints;

namespace Spartan.Api.Http;

/// <summary>The one pre-processor of every queue route: answers the first failing check in SPEC §3.4's order —
/// auth (400/401) → queue exists (404) → write on a replica (503) → too large (413) → valid (400) — before any handler runs.</summary>
/// <remarks>FastEndpoints binds before pre-processors run, so <see cref="JsonBodyBinder{T}"/> only records what
/// it found and this gate decides; an unauthorised caller learns nothing about queue names or bodies.</remarks>
public sealed class RequestGate(AccessKeys keys, DeclaredQueues queues, ApiLimits limits, Hosting.NodeInfo node) : IGlobalPreProcessor
{
    public const string QueueRouteValue = "queue";

    public Task PreProcessAsync(IPreProcessorContext context, CancellationToken ct)
    {
        var http = context.HttpContext;
        if (http.ResponseStarted()) return Task.CompletedTask;
        if (!http.Request.RouteValues.TryGetValue(QueueRouteValue, out var value) || value is not string queue)
            return Task.CompletedTask; // server routes (/_/…) check their own access

        if (keys.Check(http.Request.Headers.Authorization, queue) is var access && access != AccessResult.Granted)
            return Refuse(http, access);

        if (!queues.Names.Contains(queue))
            return Problems.WriteAsync(http, StatusCodes.Status404NotFound, Problems.QueueNotFound);

        if (node.Role == Hosting.NodeInfo.ReplicaRole && http.GetEndpoint()?.Metadata.GetMetadata<WritesState>() is not null)
            return Problems.WriteAsync(http, StatusCodes.Status503ServiceUnavailable, Problems.ReadOnlyReplica,
                "This node is a replica; send writes to its primary.");

        var body = http.Features.Get<RequestBodyState>();
        var validated = context.Request as IValidatedBody;
        if (body?.TooLarge == true || (body?.Malformed is null && validated?.ExceedsBodySize(limits.BodySize) == true))
            return Problems.WriteAsync(http, StatusCodes.Status413PayloadTooLarge, Problems.MessageTooLarge,
                $"A message body plus its attributes may hold at most {limits.BodySize} bytes.");

        if (body?.Malformed is { } malformed)
            return Problems.WriteAsync(http, StatusCodes.Status400BadRequest, Problems.InvalidRequest, malformed);
        if (validated?.Validate() is { } invalid)
            return Problems.WriteAsync(http, StatusCodes.Status400BadRequest, Problems.InvalidRequest, invalid);
        return Task.CompletedTask;
    }

    /// <summary>Answers a failed access check with the status and title of SPEC §3.4.</summary>
    public static Task Refuse(HttpContext http, AccessResult access) => access switch
    {
        AccessResult.NoHeader => Problems.WriteAsync(http, StatusCodes.Status400BadRequest, Problems.NoAuthorizationHeader),
        AccessResult.IncorrectHeader => Problems.WriteAsync(http, StatusCodes.Status400BadRequest, Problems.IncorrectKeyHeader,
            "Expected 'Authorization: Bearer <key>'."),
        _ => Problems.WriteAsync(http, StatusCodes.Status401Unauthorized, Problems.AccessDenied),
    };
}

/// <summary>The queue names declared in the configuration; only these exist for clients.</summary>
public sealed class DeclaredQueues(IReadOnlyList<string> names)
{
    public FrozenSet<string> Names { get; } = names.ToFrozenSet(StringComparer.Ordinal);

    /// <summary>The names in declaration order.</summary>
    public IReadOnlyList<string> InOrder { get; } = names;
}
