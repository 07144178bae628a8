using FastEndpoints;
using Spartan.Api.Http;
using Spartan.Engine;

namespace Spartan.Api.Features.RuntimeQueues;

/// <summary><c>GET /_/queues/{queue}</c>: one queue's settings, creation instant and stats (SPEC §10).</summary>
public sealed class GetQueueEndpoint(Broker broker, DeclaredQueues declared) : EndpointWithoutRequest<QueueDetailResponse>
{
    public override void Configure()
    {
        // {queue}: the gate checks the key covers it and that it exists, as for every queue route.
        Get("/_/queues/{queue}");
        Summary(s =>
        {
            s.Summary = "One queue: whether it is declared, its settings, when it was created, its stats";
            s.Description = "settings hold null where unset. created_at is when the queue was created: through the API, or, " +
                            "for a declared queue, when a primary first started with it in its configuration.";
            s.Response(200, "The queue", example: Examples.QueueDetail);
            s.QueueErrors();
        });
    }

    public override async Task HandleAsync(CancellationToken ct)
    {
        var name = HttpContext.QueueName();
        if (await broker.DescribeQueueAsync(name) is not { } info)
        {
            await Problems.WriteAsync(HttpContext, StatusCodes.Status404NotFound, Problems.QueueNotFound);
            return;
        }

        await Replies.OkAsync(HttpContext, QueueDetailResponse.From(info, declared.Names.Contains(name)), ApiJson.Web.QueueDetailResponse);
    }
}
