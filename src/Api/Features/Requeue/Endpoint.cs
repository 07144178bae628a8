using FastEndpoints;
using Spartan.Api.Features.Delete;
using Spartan.Api.Http;
using Spartan.Storage;

namespace Spartan.Api.Features.Requeue;

/// <summary><c>POST /{queue}/requeue</c>: hand a reservation back (SPEC §2.3).</summary>
public sealed class RequeueEndpoint(Broker broker) : Endpoint<MessageIdBody>
{
    public override void Configure() => Post("/{queue}/requeue");

    public override async Task HandleAsync(MessageIdBody req, CancellationToken ct) =>
        await Replies.OutcomeAsync(HttpContext,
            await broker.RequeueAsync(HttpContext.QueueName(), req.MessageId, req.ParsedReceipt));
}
