using FastEndpoints;
using Spartan.Api.Http;
using Spartan.Storage;

namespace Spartan.Api.Features.Clear;

/// <summary><c>POST /{queue}/clear</c>: remove every message (SPEC §2.8).</summary>
public sealed class ClearEndpoint(Broker broker) : EndpointWithoutRequest
{
    public override void Configure() => Post("/{queue}/clear");

    public override async Task HandleAsync(CancellationToken ct)
    {
        await broker.ClearAsync(HttpContext.QueueName());
        await Replies.NullAsync(HttpContext);
    }
}
