using FastEndpoints;
using Spartan.Api.Http;
using Spartan.Engine;

namespace Spartan.Api.Features.Clear;

/// <summary><c>POST /{queue}/clear</c>: remove every message (SPEC §2.8).</summary>
public sealed class ClearEndpoint(Broker broker) : EndpointWithoutRequest
{
    public override void Configure()
    {
        Post("/{queue}/clear");
        Options(b => b.WithMetadata(WritesState.Instance));
        Summary(s =>
        {
            s.Summary = "Remove every message of the queue";
            s.Description = "Removes messages in every state, reserved ones included.";
            s.Response(200, "The JSON literal null", "application/json");
            s.QueueErrors();
        });
    }

    public override async Task HandleAsync(CancellationToken ct)
    {
        await broker.ClearAsync(HttpContext.QueueName());
        await Replies.NullAsync(HttpContext);
    }
}
