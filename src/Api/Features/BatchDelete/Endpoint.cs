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
                            "not_found; they do not fail the request. With receipts (one per id, null for none), a " +
                            "message whose latest reservation has another receipt is left alone and listed in stale, as " +
                            "a single delete with a stale receipt is refused.";
            s.ExampleRequest = Examples.BatchDeleteRequest;
            s.Response(200, "The ids deleted and the ids not found", example: Examples.BatchDeleted);
            s.QueueErrors(invalid: "ids missing, empty, more than 100, or one not a UUID", tooLarge: ProblemResponses.RequestTooLarge);
        });
    }

    public override async Task HandleAsync(BatchDeleteBody req, CancellationToken ct)
    {
        var result = await broker.DeleteManyAsync(HttpContext.QueueName(), req.ParsedIds(), req.ParsedReceipts());
        if (req.Receipts is null)
            await Replies.OkAsync(HttpContext, new BatchDeleteResponse(result.Deleted, result.NotFound), ApiJson.Web.BatchDeleteResponse);
        else
            await Replies.OkAsync(HttpContext, new BatchDeleteWithReceiptsResponse(result.Deleted, result.NotFound, result.Stale),
                ApiJson.Web.BatchDeleteWithReceiptsResponse);
    }
}

/// <summary><c>{"ids": [uuid, …]}</c>, 1 to 100 ids; optionally <c>"receipts"</c>, one per id (null for none), so that
/// an acknowledgement cannot delete a message another consumer now holds.</summary>
public sealed class BatchDeleteBody : IValidatedBody, IBatchBody
{
    public List<string?>? Ids { get; set; }

    public List<string?>? Receipts { get; set; }

    public bool ExceedsBodySize(int bodySize) => false;

    public string? Validate()
    {
        if (Ids is null) return "Field 'ids' is required.";
        if (Ids.Count is 0 or > QueryArgs.MaxBatch) return $"Field 'ids' must hold 1…{QueryArgs.MaxBatch} ids.";
        for (var i = 0; i < Ids.Count; i++)
            if (!Uuid.TryParse(Ids[i], out _)) return $"Field 'ids[{i}]' is not a UUID.";
        if (Receipts is not null && Receipts.Count != Ids.Count)
            return $"Field 'receipts' must hold one receipt (or null) per id: {Ids.Count}, not {Receipts.Count}.";
        return null;
    }

    /// <summary>A receipt that is not one of ours cannot name the latest reservation, so it stays stale.</summary>
    public Domain.Receipt?[]? ParsedReceipts()
    {
        if (Receipts is null) return null;
        var receipts = new Domain.Receipt?[Receipts.Count];
        for (var i = 0; i < receipts.Length; i++)
            receipts[i] = Receipts[i] is not { } text ? null
                : Domain.Receipt.TryParse(text, out var receipt) ? receipt : new Domain.Receipt(Guid.Empty);
        return receipts;
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

/// <summary>Answer of a batch delete with receipts: also the ids left alone because another reservation holds them.</summary>
public sealed record BatchDeleteWithReceiptsResponse(IReadOnlyList<Guid> Deleted, IReadOnlyList<Guid> NotFound, IReadOnlyList<Guid> Stale);
