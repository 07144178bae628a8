using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;
using Spartan.Api.Http;

namespace Spartan.Api.Tests.Http;

/// <summary>How the gate learns what a route needs (SPEC §3.2, §9): every route says it, or the build fails.</summary>
public sealed class GateRuleTests
{
    private static RouteEndpointBuilder Endpoint(string pattern, params object[] metadata)
    {
        var builder = new RouteEndpointBuilder(_ => Task.CompletedTask, RoutePatternFactory.Parse(pattern), 0) { DisplayName = pattern };
        foreach (var item in metadata) builder.Metadata.Add(item);
        return builder;
    }

    [Fact]
    public void A_queue_route_needs_a_key_covering_its_queue_and_carries_its_write_and_body_kind()
    {
        Assert.Equal(new GateRule(Access.QueueKey, true, BodyKind.Batch),
            GateRule.For(Endpoint("/{queue}/batch", WritesState.Instance), BodyKind.Batch));
        Assert.Equal(new GateRule(Access.QueueKey, false, BodyKind.None), GateRule.For(Endpoint("/{queue}/size"), BodyKind.None));
    }

    [Fact]
    public void A_server_route_needs_what_it_declares()
    {
        Assert.Equal(Access.Open, GateRule.For(Endpoint("/_/health", RouteAccess.Open), BodyKind.None).Access);
        Assert.Equal(Access.AnyKey, GateRule.For(Endpoint("/_/queues", RouteAccess.AnyKey), BodyKind.None).Access);
        Assert.Equal(Access.WildcardKey, GateRule.For(Endpoint("/_/metrics", RouteAccess.WildcardKey), BodyKind.None).Access);
    }

    [Fact]
    public void A_route_that_declares_nothing_or_contradicts_its_queue_fails_the_build()
    {
        Assert.Contains("/_/new", Assert.Throws<InvalidOperationException>(() => GateRule.For(Endpoint("/_/new"), BodyKind.None)).Message);
        Assert.Throws<InvalidOperationException>(() => GateRule.For(Endpoint("/{queue}/x", RouteAccess.Open), BodyKind.None));
        Assert.Throws<InvalidOperationException>(() => GateRule.For(Endpoint("/{queue}/x", RouteAccess.AnyKey), BodyKind.None));
    }

    [Fact]
    public void A_queue_route_may_ask_for_a_wildcard_key_instead()
    {
        Assert.Equal(new GateRule(Access.WildcardKey, true, BodyKind.Message),
            GateRule.For(Endpoint("/_/queues/{queue}", RouteAccess.WildcardKey, WritesState.Instance), BodyKind.Message));
    }
}
