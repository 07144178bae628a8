using FastEndpoints;
using Spartan.Api.Http;
using Spartan.Storage;

namespace Spartan.Api.Features.Delete;

/// <summary><c>DELETE /{queue}</c>: remove a message in any state (SPEC §2.4).</summary>
public sealed class DeleteEndpoint(Broker broker) : Endpoint<MessageIdBody, DeleteResponse>
{
    public override void Configure() => Delete("/{queue}");

    public override async Task HandleAsync(MessageIdBody req, CancellationToken ct)
    {
        var decision = await broker.DeleteAsync(HttpContext.QueueName(), req.MessageId, req.ParsedReceipt);
        if (decision.Message is { } message)
            await Replies.OkAsync(HttpContext, new DeleteResponse(MessageJson.From(message)), ApiJson.Web.DeleteResponse);
        else
            await Replies.OutcomeAsync(HttpContext, decision.Outcome);
    }
}
