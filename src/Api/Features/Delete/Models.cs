using Spartan.Api.Http;
using Spartan.Domain;

namespace Spartan.Api.Features.Delete;

/// <summary>Names one message, optionally by its reservation (SPEC §2.3): the body of delete and requeue.</summary>
public sealed class MessageIdBody : IValidatedBody
{
    public string? Id { get; set; }
    public string? Receipt { get; set; }

    public bool ExceedsBodySize(int bodySize) => false;

    public string? Validate() => Id is null ? "Field 'id' is required."
        : Uuid.TryParse(Id, out _) ? null : "Field 'id' is not a UUID.";

    public Guid MessageId() => Uuid.TryParse(Id, out var id) ? id : Guid.Empty;

    /// <summary>A receipt that is not one of ours cannot name the latest reservation, so it stays stale.</summary>
    public Receipt? ParsedReceipt() => Receipt is null ? null
        : Domain.Receipt.TryParse(Receipt, out var receipt) ? receipt : new Receipt(Guid.Empty);
}

/// <summary>Answer of a delete: the removed message.</summary>
public sealed record DeleteResponse(MessageJson Message);
