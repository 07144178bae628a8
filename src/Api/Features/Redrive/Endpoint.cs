using FastEndpoints;
using Spartan.Api.Http;
using Spartan.Engine;

namespace Spartan.Api.Features.Redrive;

/// <summary><c>POST /{queue}/redrive</c>: move every unreserved message of the queue's dead-letter queue back.</summary>
public sealed class RedriveEndpoint(Broker broker) : EndpointWithoutRequest<RedriveResponse>
{
    public override void Configure()
    {
        Post("/{queue}/redrive");
        Options(b => b.WithMetadata(WritesState.Instance));
        Summary(s =>
        {
            s.Summary = "Move the dead letters of this queue back into it";
            s.Description = "Each moved message gets fresh state with this queue's defaults, visible now, without its " +
                            "spartan.* attributes. Reserved dead letters stay where they are.";
            s.Response(200, "How many messages moved", example: Examples.Redriven);
            s.QueueErrors(invalid: "the queue has no dead-letter queue");
        });
    }

    public override async Task HandleAsync(CancellationToken ct)
    {
        var queue = HttpContext.QueueName();
        if (await broker.RedriveAsync(queue) is { } moved)
            await Replies.OkAsync(HttpContext, new RedriveResponse(moved), ApiJson.Web.RedriveResponse);
        else
            await Problems.WriteAsync(HttpContext, StatusCodes.Status400BadRequest, Problems.InvalidRequest,
                $"Queue '{queue}' has no dead-letter queue.");
    }
}

/// <summary>Answer of redrive: how many messages moved.</summary>
public sealed record RedriveResponse(int Moved);
