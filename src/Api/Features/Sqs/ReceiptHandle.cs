using Spartan.Domain;

namespace Spartan.Api.Features.Sqs;

/// <summary>An SQS receipt handle: the message id and the reservation's receipt, 64 hex digits. It must carry the id,
/// because DeleteMessage and ChangeMessageVisibility send nothing else (ADR 0014).</summary>
public readonly record struct ReceiptHandle(Guid MessageId, Receipt Receipt)
{
    private const int Length = 64;

    public override string ToString() => string.Create(Length, this, static (chars, handle) =>
    {
        handle.MessageId.TryFormat(chars, out _, "N");
        handle.Receipt.Value.TryFormat(chars[32..], out _, "N");
    });

    /// <summary>Reads a handle; anything but 64 hex digits is <c>ReceiptHandleIsInvalid</c>.</summary>
    public static ReceiptHandle Parse(string? text)
    {
        if (string.IsNullOrEmpty(text)) throw SqsException.MissingParameter("ReceiptHandle");
        if (!TryParse(text, out var handle)) throw SqsException.ReceiptHandleIsInvalid(text);
        return handle;
    }

    public static bool TryParse(string? text, out ReceiptHandle handle)
    {
        handle = default;
        if (text is not { Length: Length }) return false;
        if (!Guid.TryParseExact(text.AsSpan(0, 32), "N", out var id) || !Guid.TryParseExact(text.AsSpan(32), "N", out var receipt))
            return false;
        handle = new ReceiptHandle(id, new Receipt(receipt));
        return true;
    }
}
