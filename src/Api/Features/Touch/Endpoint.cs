using FastEndpoints;
using Spartan.Api.Http;
using Spartan.Domain;
using Spartan.Storage;

namespace Spartan.Api.Features.Touch;

/// <summary><c>POST /{queue}/touch</c>: extend a valid reservation from now, optionally with a new timeout.</summary>
public sealed class TouchEndpoint(Broker broker) : Endpoint<TouchBody, MessageJson>
{
    public override void Configure()
    {
        Post("/{queue}/touch");
        Summary(s =>
        {
            s.Summary = "Extend a reservation";
            s.Description = "obtained_at becomes now and timeout is replaced when given; the receipt is kept. " +
                            "404 when the message is not validly reserved, 409 with a stale receipt.";
        });
    }

    public override async Task HandleAsync(TouchBody req, CancellationToken ct) =>
        await Replies.MessageAsync(HttpContext,
            await broker.TouchAsync(HttpContext.QueueName(), req.MessageId, req.ParsedReceipt, (uint?)req.Timeout));
}

/// <summary><c>{"id": uuid, "receipt"?: str, "timeout"?: int}</c>.</summary>
public sealed class TouchBody : IValidatedBody
{
    public string? Id { get; set; }
    public string? Receipt { get; set; }
    public long? Timeout { get; set; }

    public bool ExceedsBodySize(int bodySize) => false;

    public string? Validate() =>
        Id is null ? "Field 'id' is required."
        : !Uuid.TryParse(Id, out _) ? "Field 'id' is not a UUID."
        : Timeout is < 0 or > uint.MaxValue ? "Field 'timeout' must be within 0…4294967295."
        : null;

    public Guid MessageId => Uuid.TryParse(Id, out var id) ? id : Guid.Empty;

    public Receipt? ParsedReceipt => Receipt is null ? null
        : Domain.Receipt.TryParse(Receipt, out var receipt) ? receipt : new Receipt(Guid.Empty);
}
