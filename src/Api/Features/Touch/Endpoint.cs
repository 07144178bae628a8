using FastEndpoints;
using Spartan.Api.Http;
using Spartan.Domain;
using Spartan.Engine;

namespace Spartan.Api.Features.Touch;

/// <summary><c>POST /{queue}/touch</c>: extend a valid reservation from now, optionally with a new timeout.</summary>
public sealed class TouchEndpoint(Broker broker) : Endpoint<TouchBody, MessageJson>
{
    public override void Configure()
    {
        Post("/{queue}/touch");
        Options(b => b.WithMetadata(WritesState.Instance));
        Summary(s =>
        {
            s.Summary = "Extend a reservation";
            s.Description = "The reservation restarts now (obtained_at = now) and timeout is replaced when given; the " +
                            "receipt is kept. The answer shows the receipt only when the request sent it.";
            s.ExampleRequest = Examples.TouchRequest;
            s.Response(200, "The message with its extended reservation", example: Examples.Touched);
            s.QueueErrors(invalid: "id missing or not a UUID, timeout out of 0..4294967295, unknown field or malformed JSON",
                notFound: "`Message not found`: no such message, or it is not validly reserved (without a receipt)",
                tooLarge: ProblemResponses.RequestTooLarge,
                stale: ProblemResponses.StaleReceipt + ", or its reservation expired");
        });
    }

    public override async Task HandleAsync(TouchBody req, CancellationToken ct) =>
        await Replies.MessageAsync(HttpContext,
            await broker.TouchAsync(HttpContext.QueueName(), req.MessageId(), req.ParsedReceipt(), (uint?)req.Timeout));
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

    public Guid MessageId() => Uuid.TryParse(Id, out var id) ? id : Guid.Empty;

    public Receipt? ParsedReceipt() => Receipt is null ? null
        : Domain.Receipt.TryParse(Receipt, out var receipt) ? receipt : new Receipt(Guid.Empty);
}
