using System.Text.Json.Serialization;

namespace Spartan.Api.Features.Sqs;

// The answer shapes of the AWS JSON 1.0 protocol; null members are left out, as AWS does.
#pragma warning disable CS1591, SA1402 // the shapes are AWS's; their documentation is the SQS API reference

public sealed record QueueUrlReply(string QueueUrl);

public sealed record QueueUrlsReply(List<string> QueueUrls, string? NextToken);

/// <summary>ListDeadLetterSourceQueues' answer: SQS's model spells its list "queueUrls", in lower case, unlike ListQueues'.</summary>
public sealed record DeadLetterSourcesReply([property: JsonPropertyName("queueUrls")] List<string> QueueUrls, string? NextToken);

public sealed record AttributesReply(Dictionary<string, string> Attributes);

public sealed record TagsReply(Dictionary<string, string> Tags);

public sealed record SendMessageReply(string MessageId, string MD5OfMessageBody, string? MD5OfMessageAttributes);

public sealed record SendResultEntry(string Id, string MessageId, string MD5OfMessageBody, string? MD5OfMessageAttributes);

public sealed record BatchFailure(string Id, string Code, string Message, bool SenderFault);

public sealed record SendMessageBatchReply(List<SendResultEntry> Successful, List<BatchFailure> Failed);

public sealed record IdEntry(string Id);

public sealed record IdBatchReply(List<IdEntry> Successful, List<BatchFailure> Failed);

public sealed record ReceivedMessage(
    string MessageId,
    string ReceiptHandle,
    string Body,
    string MD5OfBody,
    Dictionary<string, string>? Attributes,
    Dictionary<string, MessageAttributeValue>? MessageAttributes,
    string? MD5OfMessageAttributes);

public sealed record ReceiveMessageReply(List<ReceivedMessage> Messages);

public sealed record ErrorReply([property: JsonPropertyName("__type")] string Type, [property: JsonPropertyName("message")] string Message);
