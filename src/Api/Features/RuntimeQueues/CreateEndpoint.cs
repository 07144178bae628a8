using FastEndpoints;
using Spartan.Api.Configuration;
using Spartan.Api.Http;
using Spartan.Domain;
using Spartan.Engine;

namespace Spartan.Api.Features.RuntimeQueues;

/// <summary><c>PUT /_/queues/{name}</c>: create a queue (SPEC §10); idempotent when it exists with equal settings.</summary>
public sealed class CreateQueueEndpoint(Broker broker, SpartanConfig config, DeclaredQueues declared) : Endpoint<QueueSettingsBody>
{
    public override void Configure()
    {
        Put("/_/queues/{queue}");
        Options(b => b.WithMetadata(RouteAccess.WildcardKey).WithMetadata(WritesState.Instance));
        Summary(s =>
        {
            s.Summary = "Create a queue (needs a wildcard key when keys are configured)";
            s.Description = "The body is optional: dead_letter, max_tries, timeout, delay (null or absent: unset). 201 when " +
                            "created; 200 with the same answer when it exists with equal settings; 409 Queue exists when its " +
                            "settings differ. The queue is an event like any other: kept, replicated, shown by dump.";
            s.ExampleRequest = Examples.QueueSettingsRequest;
            s.Response(201, "Created", example: Examples.QueueCreated);
            s.Response(200, "It existed already, with these settings", example: Examples.QueueCreated);
            s.RuntimeQueueErrors(conflict: "`Queue exists` (its settings differ), `Too many queues` (max_queues reached)");
        });
    }

    public override async Task HandleAsync(QueueSettingsBody req, CancellationToken ct)
    {
        var name = HttpContext.QueueName();
        if (!await RuntimeQueueChecks.AllowedAsync(HttpContext, config, name)) return;

        var decision = await broker.CreateQueueAsync(name, req.ToSettings(), config.MaxQueues);
        switch (decision.Outcome)
        {
            case QueueOutcome.Done or QueueOutcome.Exists:
                HttpContext.Response.StatusCode = decision.Outcome == QueueOutcome.Done ? StatusCodes.Status201Created : StatusCodes.Status200OK;
                await Replies.OkAsync(HttpContext, new QueueResponse(name, declared.Names.Contains(name), QueueSettingsJson.From(decision.Settings!)),
                    ApiJson.Web.QueueResponse);
                break;
            case QueueOutcome.Conflict:
                await Problems.WriteAsync(HttpContext, StatusCodes.Status409Conflict, Problems.QueueExists,
                    $"Queue {name} exists with other settings; change them with PATCH.");
                break;
            case QueueOutcome.TooMany:
                await Problems.WriteAsync(HttpContext, StatusCodes.Status409Conflict, Problems.TooManyQueues, decision.Detail);
                break;
            default:
                await Problems.WriteAsync(HttpContext, StatusCodes.Status400BadRequest, Problems.InvalidRequest, decision.Detail);
                break;
        }
    }
}
