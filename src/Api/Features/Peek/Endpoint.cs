using FastEndpoints;
using Spartan.Api.Http;
using Spartan.Engine;

namespace Spartan.Api.Features.Peek;

/// <summary><c>GET /{queue}/peek</c>: the message pop would return, not reserved.</summary>
public sealed class PeekEndpoint(Broker broker) : EndpointWithoutRequest<MessageJson>
{
    public override void Configure()
    {
        Get("/{queue}/peek");
        Summary(s =>
        {
            s.Summary = "Show the next message pop would return, without reserving it";
            s.Description = "Changes nothing: no reservation, no try counted. receipt is always null here.";
            s.Response(200, "The next visible message", example: Examples.Waiting);
            s.QueueErrors(notFound: "`No message available`");
        });
    }

    public override async Task HandleAsync(CancellationToken ct) =>
        await Replies.MessageAsync(HttpContext, await broker.PeekAsync(HttpContext.QueueName()));
}
