using FastEndpoints;
using Spartan.Api.Http;
using Spartan.Engine;

namespace Spartan.Api.Features.BatchPop;

/// <summary><c>GET /{queue}/batch?count=N&amp;wait=S&amp;timeout=S</c>: reserve up to N visible messages, long-polling
/// like pop.</summary>
public sealed class BatchPopEndpoint(Broker broker) : EndpointWithoutRequest<BatchPopResponse>
{
    public override void Configure()
    {
        Get("/{queue}/batch");
        Options(b => b.WithMetadata(
            WritesState.Instance,
            new QueryParameter("count", "How many messages at most (1-100, default 1)"),
            new QueryParameter("wait", "Seconds to wait for at least one (0-20, default 0)"),
            new QueryParameter("timeout", "Seconds these reservations last instead of the messages' timeout (0-43200)")));
        Summary(s =>
        {
            s.Summary = "Reserve up to N visible messages";
            s.Description = "Query parameters: count=N (1-100, default 1), the most messages to reserve; wait=S (0-20, " +
                            "default 0), seconds to long-poll until at least one is visible; timeout=S (0-43200), how long these " +
                            "reservations last instead of each message's own timeout. Each message gets its own receipt.";
            s.Response(200, "The reserved messages in pop order; an empty array when none became visible during the wait", example: Examples.BatchPopped);
            s.QueueErrors(invalid: "count or wait is not an integer within its range");
        });
    }

    public override async Task HandleAsync(CancellationToken ct)
    {
        var count = QueryArgs.Read(HttpContext, "count", 1, QueryArgs.MaxBatch, 1, out var problem);
        var wait = count is null ? null : QueryArgs.Read(HttpContext, "wait", 0, QueryArgs.MaxWaitSeconds, 0, out problem);
        uint? timeout = null;
        if (count is null || wait is null || !QueryArgs.ReadTimeout(HttpContext, out timeout, out problem))
        {
            await Problems.WriteAsync(HttpContext, StatusCodes.Status400BadRequest, Problems.InvalidRequest, problem);
            return;
        }

        var messages = await broker.PopWaitAsync(HttpContext.QueueName(), count.Value, TimeSpan.FromSeconds(wait.Value), ct, timeout);
        var json = new MessageJson[messages.Count];
        for (var i = 0; i < json.Length; i++) json[i] = MessageJson.From(messages[i]);
        await Replies.OkAsync(HttpContext, new BatchPopResponse(json), ApiJson.Web.BatchPopResponse);
    }
}

/// <summary>Answer of batch pop: the reserved messages, possibly none.</summary>
public sealed record BatchPopResponse(IReadOnlyList<MessageJson> Messages);
