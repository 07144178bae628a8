using FastEndpoints;
using Spartan.Api.Configuration;
using Spartan.Api.Http;
using Spartan.Domain;
using Spartan.Engine;

namespace Spartan.Api.Features.RuntimeQueues;

/// <summary><c>DELETE /_/queues/{name}</c>: remove a runtime queue and its messages (SPEC §10).</summary>
public sealed class DeleteQueueEndpoint(Broker broker, SpartanConfig config, DeclaredQueues declared) : EndpointWithoutRequest<QueueDeletedResponse>
{
    public override void Configure()
    {
        Delete("/_/queues/{queue}");
        Options(b => b.WithMetadata(RouteAccess.WildcardKey).WithMetadata(WritesState.Instance));
        Summary(s =>
        {
            s.Summary = "Delete a runtime queue and its messages (needs a wildcard key when keys are configured)";
            s.Description = "Answers how many messages went with it. A queue declared in the configuration file is removed " +
                            "there (409 Declared queue); a queue another names as its dead_letter cannot go (409 Queue in " +
                            "use). Consumers long-polling it are answered 404 Queue not found.";
            s.Response(200, "Deleted", example: new QueueDeletedResponse(12));
            s.RuntimeQueueErrors(conflict: "`Declared queue`, `Queue in use`", notFound: true, body: false);
        });
    }

    public override async Task HandleAsync(CancellationToken ct)
    {
        var name = HttpContext.QueueName();
        if (!await RuntimeQueueChecks.AllowedAsync(HttpContext, config, name)) return;
        if (!await RuntimeQueueChecks.NotDeclaredAsync(HttpContext, declared, name)) return;

        var decision = await broker.DeleteQueueAsync(name);
        await (decision.Outcome switch
        {
            QueueOutcome.Done => Replies.OkAsync(HttpContext, new QueueDeletedResponse(decision.Removed), ApiJson.Web.QueueDeletedResponse),
            QueueOutcome.InUse => Problems.WriteAsync(HttpContext, StatusCodes.Status409Conflict, Problems.QueueInUse, decision.Detail),
            _ => Problems.WriteAsync(HttpContext, StatusCodes.Status404NotFound, Problems.QueueNotFound),
        });
    }
}
