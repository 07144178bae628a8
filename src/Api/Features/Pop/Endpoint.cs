using FastEndpoints;
using Spartan.Api.Http;
using Spartan.Engine;

namespace Spartan.Api.Features.Pop;

/// <summary><c>GET /{queue}[?wait=S][&amp;timeout=S]</c>: reserve the next visible message (SPEC §2.2), waiting up to S
/// seconds for one to become visible (long polling, SPEC §3.2), for the message's timeout or the one asked for (§10).</summary>
public sealed class PopEndpoint(Broker broker) : EndpointWithoutRequest<MessageJson>
{
    public override void Configure()
    {
        Get("/{queue}");
        Options(b => b.WithMetadata(
            WritesState.Instance,
            DirectRoute.Pop,
            new QueryParameter("wait", "Seconds to wait for a visible message (0-20, default 0)"),
            new QueryParameter("timeout", "Seconds this reservation lasts instead of the message's timeout (0-43200)")));
        Summary(s =>
        {
            s.Summary = "Reserve the next visible message";
            s.Description = "Reserves the first visible message (highest priority, then visible longest, then push order) " +
                            "for its timeout, with a new receipt. Query parameter wait=S (0-20, default 0) long-polls: the " +
                            "request waits up to S seconds and is answered as soon as a push, requeue, expired reservation " +
                            "or ended delay makes a message visible, else 404. Query parameter timeout=S (0-43200) reserves it " +
                            "for S seconds instead of the message's own timeout, for this reservation only.";
            s.Response(200, "The reserved message, with its receipt", example: Examples.Reserved);
            s.QueueErrors(invalid: "wait is not an integer within 0..20, or timeout within 0..43200", notFound: "`No message available` (after the wait)");
        });
    }

    public override Task HandleAsync(CancellationToken ct) => HandleAsync(HttpContext, broker, ct);

    /// <summary>The pop itself; <see cref="DirectRoutes"/> runs it too.</summary>
    public static async Task HandleAsync(HttpContext http, Broker broker, CancellationToken ct)
    {
        if (QueryArgs.Read(http, "wait", 0, QueryArgs.MaxWaitSeconds, 0, out var problem) is not { } wait
            || !QueryArgs.ReadTimeout(http, out var timeout, out problem))
        {
            await Problems.WriteAsync(http, StatusCodes.Status400BadRequest, Problems.InvalidRequest, problem);
            return;
        }

        var messages = await broker.PopWaitAsync(http.QueueName(), 1, TimeSpan.FromSeconds(wait), ct, timeout);
        if (messages.Count == 0)
            await Problems.WriteAsync(http, StatusCodes.Status404NotFound, Problems.NoMessageAvailable);
        else
            await Replies.OkAsync(http, MessageJson.From(messages[0]), ApiJson.Web.MessageJson);
    }
}
