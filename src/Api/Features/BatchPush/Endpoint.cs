using FastEndpoints;
using Spartan.Api.Http;
using Spartan.Engine;

namespace Spartan.Api.Features.BatchPush;

/// <summary><c>POST /{queue}/batch</c>: push 1 to 100 messages as one atomic write.</summary>
public sealed class BatchPushEndpoint(Broker broker) : Endpoint<BatchPushBody, BatchPushResponse>
{
    public override void Configure()
    {
        Post("/{queue}/batch");
        Options(b => b.WithMetadata(WritesState.Instance));
        Summary(s =>
        {
            s.Summary = "Push 1-100 messages atomically";
            s.Description = "Each message is a push request. All are validated first: one invalid message is 400 (one too " +
                            "large is 413) and none is pushed; otherwise all are pushed in one atomic write.";
            s.ExampleRequest = Examples.BatchPushRequest;
            s.Response(200, "The ids of the new messages, in request order", example: Examples.BatchPushed);
            s.QueueErrors(invalid: "messages missing, empty or more than 100, or one message invalid (detail names it)",
                tooLarge: ProblemResponses.BatchTooLarge);
        });
    }

    public override async Task HandleAsync(BatchPushBody req, CancellationToken ct)
    {
        var ids = await broker.PushManyAsync(HttpContext.QueueName(), req.ToRequests());
        await Replies.OkAsync(HttpContext, new BatchPushResponse(ids), ApiJson.Web.BatchPushResponse);
    }
}
