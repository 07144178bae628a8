using Microsoft.AspNetCore.Routing;

namespace Spartan.Api.Http;

/// <summary>The key a route needs when access keys are configured (SPEC §3.2, §9).</summary>
public enum Access
{
    /// <summary>No key: <c>/_/health</c>.</summary>
    Open,

    /// <summary>A key that covers the route's <c>{queue}</c>.</summary>
    QueueKey,

    /// <summary>Any valid key: <c>/_/queues</c>.</summary>
    AnyKey,

    /// <summary>A key with <c>"*"</c>: <c>/_/metrics</c>.</summary>
    WildcardKey,
}

/// <summary>Endpoint metadata a server route (<c>/_/…</c>) declares to say which key it needs. Routes with a
/// <c>{queue}</c> value declare nothing: they always need a key that covers that queue.</summary>
public sealed class RouteAccess
{
    private RouteAccess(Access access) => Access = access;

    public Access Access { get; }

    public static RouteAccess Open { get; } = new(Access.Open);
    public static RouteAccess AnyKey { get; } = new(Access.AnyKey);
    public static RouteAccess WildcardKey { get; } = new(Access.WildcardKey);
}

/// <summary>How a route's request body is bounded (SPEC §3.4).</summary>
public enum BodyKind
{
    /// <summary>The route reads no body.</summary>
    None,

    /// <summary>One message's worth: <see cref="ApiLimits.RequestLimit"/>.</summary>
    Message,

    /// <summary>A batch route: <see cref="ApiLimits.BatchRequestLimit"/>.</summary>
    Batch,
}

/// <summary>Everything <see cref="RequestGate"/> needs to know about one endpoint, worked out once when the endpoint is
/// built so that a request costs one metadata lookup.</summary>
public sealed record GateRule(Access Access, bool Writes, BodyKind Body)
{
    /// <summary>Set for a route the gate runs itself once the request passed (<see cref="DirectRoutes"/>).</summary>
    public DirectRoute? Direct { get; init; }

    /// <summary>Reads the rule off an endpoint being built; an endpoint that says nothing about its access and has no
    /// <c>{queue}</c> fails the build, so no route is ever left open by omission.</summary>
    public static GateRule For(EndpointBuilder endpoint, BodyKind body)
    {
        RouteAccess? declared = null;
        DirectRoute? direct = null;
        var writes = false;
        foreach (var item in endpoint.Metadata)
        {
            if (item is RouteAccess access) declared = access;
            else if (item is WritesState) writes = true;
            else if (item is DirectRoute run) direct = run;
        }

        var queueRoute = endpoint is RouteEndpointBuilder route && route.RoutePattern.GetParameter(RequestGate.QueueRouteValue) is not null;
        // A {queue} route may only ask for more than a key covering its queue: a "*" key, for the routes that create,
        // change and delete queues (which also check existence themselves, since a queue being created does not exist).
        if (queueRoute && declared is not null && declared.Access != Access.WildcardKey)
            throw new InvalidOperationException($"{endpoint.DisplayName}: a {{queue}} route always needs a key covering its queue and may only declare RouteAccess.WildcardKey.");
        if (!queueRoute && declared is null)
            throw new InvalidOperationException($"{endpoint.DisplayName}: a route without {{queue}} must declare its RouteAccess.");
        return new GateRule(declared?.Access ?? Access.QueueKey, writes, body) { Direct = direct };
    }
}
