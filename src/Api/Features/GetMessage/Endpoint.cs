using FastEndpoints;
using Spartan.Api.Http;
using Spartan.Engine;

namespace Spartan.Api.Features.GetMessage;

/// <summary><c>GET /{queue}/messages/{id}</c>: one message in any state.</summary>
public sealed class GetMessageEndpoint(Broker broker) : EndpointWithoutRequest<MessageJson>
{
    public override void Configure()
    {
        Get("/{queue}/messages/{id}");
        Summary(s =>
        {
            s.Summary = "Show one message in any state";
            s.Description = "Reads the message without changing it. receipt is always null here.";
            s.Params["id"] = "The message id (a UUID)";
            s.Response(200, "The message", example: Examples.Held);
            s.QueueErrors(invalid: "the id in the path is not a UUID", notFound: "`Message not found`");
        });
    }

    public override async Task HandleAsync(CancellationToken ct)
    {
        if (!Uuid.TryParse(HttpContext.Request.RouteValues["id"] as string, out var id))
        {
            await Problems.WriteAsync(HttpContext, StatusCodes.Status400BadRequest, Problems.InvalidRequest, "The id in the path is not a UUID.");
            return;
        }

        await Replies.MessageAsync(HttpContext, await broker.GetAsync(HttpContext.QueueName(), id));
    }
}
