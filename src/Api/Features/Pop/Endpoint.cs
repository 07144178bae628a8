using FastEndpoints;
using Spartan.Api.Http;
using Spartan.Storage;

namespace Spartan.Api.Features.Pop;

/// <summary><c>GET /{queue}</c>: reserve the next visible message (SPEC §2.2).</summary>
public sealed class PopEndpoint(Broker broker) : EndpointWithoutRequest<MessageJson>
{
    public override void Configure() => Get("/{queue}");

    public override async Task HandleAsync(CancellationToken ct) =>
        await Replies.MessageAsync(HttpContext, await broker.PopAsync(HttpContext.QueueName()));
}
