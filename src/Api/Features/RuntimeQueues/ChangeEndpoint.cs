using FastEndpoints;
using Spartan.Api.Configuration;
using Spartan.Api.Http;
using Spartan.Domain;
using Spartan.Engine;

namespace Spartan.Api.Features.RuntimeQueues;

/// <summary><c>PATCH /_/queues/{name}</c>: change a runtime queue's settings (SPEC §10); <c>null</c> clears one.</summary>
public sealed class ChangeQueueEndpoint(Broker broker, SpartanConfig config, DeclaredQueues declared) : Endpoint<QueueSettingsBody>
{
    public override void Configure()
    {
        Patch("/_/queues/{queue}");
        Options(b => b.WithMetadata(RouteAccess.WildcardKey).WithMetadata(WritesState.Instance));
        Summary(s =>
        {
            s.Summary = "Change a runtime queue's settings (needs a wildcard key when keys are configured)";
            s.Description = "Any of dead_letter, max_tries, timeout, delay: a value replaces, null clears, an absent field is " +
                            "kept. Messages already held keep the values they were pushed with. A queue declared in the " +
                            "configuration file is changed there (409 Declared queue).";
            s.ExampleRequest = Examples.QueueSettingsRequest;
            s.Response(200, "The queue's settings now", example: Examples.QueueCreated);
            s.RuntimeQueueErrors(conflict: "`Declared queue`", notFound: true);
        });
    }

    public override async Task HandleAsync(QueueSettingsBody req, CancellationToken ct)
    {
        var name = HttpContext.QueueName();
        if (!await RuntimeQueueChecks.AllowedAsync(HttpContext, config, name)) return;
        if (!await RuntimeQueueChecks.NotDeclaredAsync(HttpContext, declared, name)) return;

        // Read, merge, write: the write is checked again on the loop, where a concurrent delete shows as NotFound.
        if (await broker.DescribeQueueAsync(name) is not { } current)
        {
            await Problems.WriteAsync(HttpContext, StatusCodes.Status404NotFound, Problems.QueueNotFound);
            return;
        }

        var decision = await broker.ChangeQueueAsync(name, req.Merge(current.Settings));
        switch (decision.Outcome)
        {
            case QueueOutcome.Done:
                await Replies.OkAsync(HttpContext, new QueueResponse(name, false, QueueSettingsJson.From(decision.Settings!)),
                    ApiJson.Web.QueueResponse);
                break;
            case QueueOutcome.NotFound:
                await Problems.WriteAsync(HttpContext, StatusCodes.Status404NotFound, Problems.QueueNotFound);
                break;
            default:
                await Problems.WriteAsync(HttpContext, StatusCodes.Status400BadRequest, Problems.InvalidRequest, decision.Detail);
                break;
        }
    }
}
