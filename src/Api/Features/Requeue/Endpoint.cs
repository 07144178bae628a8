using FastEndpoints;
using Spartan.Api.Features.Delete;
using Spartan.Api.Http;
using Spartan.Engine;

namespace Spartan.Api.Features.Requeue;

/// <summary><c>POST /{queue}/requeue</c>: hand a reservation back (SPEC §2.3).</summary>
public sealed class RequeueEndpoint(Broker broker) : Endpoint<MessageIdBody>
{
    public override void Configure()
    {
        Post("/{queue}/requeue");
        Options(b => b.WithMetadata(WritesState.Instance));
        Summary(s =>
        {
            s.Summary = "Hand a reservation back";
            s.Description = "The reserved message becomes visible now, behind those already visible. With no tries left it " +
                            "moves to the dead-letter queue (or is discarded). The reservation must not have expired; a " +
                            "receipt, when given, must be the latest.";
            s.ExampleRequest = Examples.MessageIdRequest;
            s.Response(200, "The JSON literal null", "application/json");
            s.QueueErrors(invalid: "id missing or not a UUID, unknown field or malformed JSON",
                notFound: "`Message not found`: no such message, or it is not validly reserved (without a receipt)",
                tooLarge: ProblemResponses.RequestTooLarge,
                stale: ProblemResponses.StaleReceipt + ", or its reservation expired");
        });
    }

    public override async Task HandleAsync(MessageIdBody req, CancellationToken ct) =>
        await Replies.OutcomeAsync(HttpContext,
            await broker.RequeueAsync(HttpContext.QueueName(), req.MessageId(), req.ParsedReceipt()));
}
