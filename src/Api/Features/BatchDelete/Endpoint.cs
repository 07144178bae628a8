using FastEndpoints;
using Spartan.Api.Http;
using Spartan.Engine;

namespace Spartan.Api.Features.BatchDelete;

/// <summary><c>DELETE /{queue}/batch</c>: delete 1 to 100 messages by id.</summary>
public sealed class BatchDeleteEndpoint(Broker broker) : Endpoint<BatchDeleteBody, BatchDeleteResponse>
{
    public override void Configure()
    {
        Delete("/{queue}/batch");
        Options(b => b.WithMetadata(WritesState.Instance));
        Summary(s =>
        {
            s.Summary = "Delete 1-100 messages by id";
            s.Description = "Deletes each message in any state, as one write. Ids the queue does not hold are listed in " +
                            "not_found; they do not fail the request.";
            s.ExampleRequest = Examples.BatchDeleteRequest;
            s.Response(200, "The ids deleted and the ids not found", example: Examples.BatchDeleted);
            s.QueueErrors(invalid: "ids missing, empty, more than 100, or one not a UUID", tooLarge: ProblemResponses.RequestTooLarge);
        });
    }

    public override async Task HandleAsync(BatchDeleteBody req, CancellationToken ct)
    {
        var (deleted, notFound) = await broker.DeleteManyAsync(HttpContext.QueueName(), req.ParsedIds());
        await Replies.OkAsync(HttpContext, new BatchDeleteResponse(deleted, notFound), ApiJson.Web.BatchDeleteResponse);
    }
}

/// <summary><c>{"ids": [uuid, …]}</c>, 1 to 100 ids.</summary>
public sealed class BatchDeleteBody : IValidatedBody, IBatchBody
{
    public List<string?>? Ids { get; set; }

    public bool ExceedsBodySize(int bodySize) => false;

    public string? Validate()
    {
        if (Ids is null) return "Field 'ids' is required.";
        if (Ids.Count is 0 or > QueryArgs.MaxBatch) return $"Field 'ids' must hold 1…{QueryArgs.MaxBatch} ids.";
        for (var i = 0; i < Ids.Count; i++)
            if (!Uuid.TryParse(Ids[i], out _)) return $"Field 'ids[{i}]' is not a UUID.";
        return null;
    }

    public Guid[] ParsedIds()
    {
        var ids = new Guid[Ids!.Count];
        for (var i = 0; i < ids.Length; i++) ids[i] = Uuid.TryParse(Ids[i], out var id) ? id : Guid.Empty;
        return ids;
    }
}

/// <summary>Answer of batch delete.</summary>
public sealed record BatchDeleteResponse(IReadOnlyList<Guid> Deleted, IReadOnlyList<Guid> NotFound);
