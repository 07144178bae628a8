using FastEndpoints;
using Spartan.Api.Http;
using Spartan.Engine;

namespace Spartan.Api.Features.Delete;

/// <summary><c>DELETE /{queue}</c>: remove a message in any state (SPEC §2.4).</summary>
public sealed class DeleteEndpoint(Broker broker) : Endpoint<MessageIdBody, DeleteResponse>
{
    public override void Configure()
    {
        Delete("/{queue}");
        Options(b => b.WithMetadata(WritesState.Instance, DirectRoute.Delete));
        Summary(s =>
        {
            s.Summary = "Delete (acknowledge) a message";
            s.Description = "Removes the message in any state and returns it. With a receipt, the receipt must be the " +
                            "message's latest (an expired reservation nobody took since still counts); without one, acts by id.";
            s.ExampleRequest = Examples.MessageIdRequest;
            s.Response(200, "The removed message", example: Examples.Deleted);
            s.QueueErrors(invalid: "id missing or not a UUID, unknown field or malformed JSON",
                notFound: "`Message not found`: the queue holds no message with this id",
                tooLarge: ProblemResponses.RequestTooLarge, stale: ProblemResponses.StaleReceipt);
        });
    }

    public override Task HandleAsync(MessageIdBody req, CancellationToken ct) => HandleAsync(HttpContext, broker, req);

    /// <summary>The delete itself, once the body passed <see cref="BodyGate"/>; <see cref="DirectRoutes"/> runs it too.</summary>
    public static async Task HandleAsync(HttpContext http, Broker broker, MessageIdBody req)
    {
        var decision = await broker.DeleteAsync(http.QueueName(), req.MessageId(), req.ParsedReceipt());
        if (decision.Message is { } message)
            await Replies.OkAsync(http, new DeleteResponse(MessageJson.From(message)), ApiJson.Web.DeleteResponse);
        else
            await Replies.OutcomeAsync(http, decision.Outcome);
    }
}
