namespace Spartan.Api.Features.Sqs;

/// <summary>An SQS error as the AWS JSON protocol carries it (SPEC §11): the status, the query-compatible code the SDKs
/// read from <c>x-amzn-query-error</c> (their <c>ErrorCode</c>), and the shape that picks the exception type.</summary>
/// <remarks>Thrown by the actions and answered by <see cref="SqsDoor"/>: errors end a request, and the SDK-facing
/// answer is the same whichever action failed. Not for per-entry batch failures, which are values.</remarks>
public sealed class SqsException(int status, string code, string shape, string message, bool senderFault = true) : Exception(message)
{
    public int Status { get; } = status;

    /// <summary>The query-compatible code, e.g. <c>AWS.SimpleQueueService.NonExistentQueue</c>.</summary>
    public string Code { get; } = code;

    /// <summary>The modelled shape, e.g. <c>QueueDoesNotExist</c>.</summary>
    public string Shape { get; } = shape;

    public bool SenderFault { get; } = senderFault;

    public static SqsException QueueDoesNotExist() =>
        new(400, "AWS.SimpleQueueService.NonExistentQueue", "QueueDoesNotExist", "The specified queue does not exist.");

    public static SqsException QueueNameExists(string name) =>
        new(400, "QueueAlreadyExists", "QueueNameExists", $"A queue named {name} already exists with different attributes.");

    public static SqsException InvalidParameterValue(string message) =>
        new(400, "InvalidParameterValue", "InvalidParameterValue", message);

    public static SqsException MissingParameter(string name) =>
        new(400, "MissingParameter", "MissingParameter", $"The request must contain the parameter {name}.");

    public static SqsException InvalidAttributeName(string name) =>
        new(400, "InvalidAttributeName", "InvalidAttributeName", $"Unknown Attribute {name}.");

    public static SqsException InvalidAttributeValue(string message) =>
        new(400, "InvalidAttributeValue", "InvalidAttributeValue", message);

    public static SqsException InvalidAddress(string url) =>
        new(400, "InvalidAddress", "InvalidAddress", $"The address {url} is not valid for this endpoint.");

    public static SqsException ReceiptHandleIsInvalid(string handle) =>
        new(400, "ReceiptHandleIsInvalid", "ReceiptHandleIsInvalid", $"The input receipt handle \"{handle}\" is not a valid receipt handle.");

    public static SqsException MessageNotInflight() =>
        new(400, "AWS.SimpleQueueService.MessageNotInflight", "MessageNotInflight", "The message referred to isn't in flight.");

    public static SqsException ExpiredReceipt(string handle) =>
        InvalidParameterValue($"Value {handle} for parameter ReceiptHandle is invalid. Reason: The receipt handle has expired.");

    public static SqsException EmptyBatchRequest() =>
        new(400, "AWS.SimpleQueueService.EmptyBatchRequest", "EmptyBatchRequest", "There should be at least one entry in the request.");

    public static SqsException TooManyEntriesInBatchRequest(int count) =>
        new(400, "AWS.SimpleQueueService.TooManyEntriesInBatchRequest", "TooManyEntriesInBatchRequest",
            $"Maximum number of entries per request are 10. You have sent {count}.");

    public static SqsException BatchEntryIdsNotDistinct(string id) =>
        new(400, "AWS.SimpleQueueService.BatchEntryIdsNotDistinct", "BatchEntryIdsNotDistinct", $"Id {id} repeated.");

    public static SqsException InvalidBatchEntryId(string id) =>
        new(400, "AWS.SimpleQueueService.InvalidBatchEntryId", "InvalidBatchEntryId",
            $"A batch entry id can only contain alphanumeric characters, hyphens and underscores, and be at most 80 long: {id}");

    public static SqsException BatchRequestTooLong(long bytes, int limit) =>
        new(400, "AWS.SimpleQueueService.BatchRequestTooLong", "BatchRequestTooLong",
            $"Batch requests cannot be longer than {limit} bytes. You have sent {bytes} bytes.");

    public static SqsException UnsupportedOperation(string message) =>
        new(400, "AWS.SimpleQueueService.UnsupportedOperation", "UnsupportedOperation", message);

    public static SqsException InvalidAction(string action) =>
        new(400, "InvalidAction", "InvalidAction", $"The action {action} is not valid for this endpoint.");

    public static SqsException Serialization(string message) =>
        new(400, "SerializationException", "SerializationException", message);

    public static SqsException AccessDenied(string message) =>
        new(403, "AccessDenied", "AccessDenied", message);

    public static SqsException MissingAuthenticationToken() =>
        new(403, "MissingAuthenticationToken", "MissingAuthenticationToken",
            "Request is missing Authentication Token: this node has access keys, so requests must be signed (AWS Signature Version 4).");

    public static SqsException InvalidClientTokenId() =>
        new(403, "InvalidClientTokenId", "InvalidClientTokenId", "The security token included in the request is invalid.");

    public static SqsException SignatureDoesNotMatch(string message) =>
        new(403, "SignatureDoesNotMatch", "SignatureDoesNotMatch", message);

    public static SqsException ServiceUnavailable(string message) =>
        new(503, "ServiceUnavailable", "ServiceUnavailable", message, senderFault: false);
}
