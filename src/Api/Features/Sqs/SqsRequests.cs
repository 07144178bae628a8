using System.Text.Json.Serialization;

namespace Spartan.Api.Features.Sqs;

// The request shapes of the AWS JSON 1.0 protocol, PascalCase as the SDKs send them. Unknown members are ignored, as
// AWS does, so a newer SDK's extra fields do not break older servers.
#pragma warning disable CS1591, SA1402 // the shapes are AWS's; their documentation is the SQS API reference

/// <summary>An SQS message attribute as sent and received: a DataType and one of the two values.</summary>
public sealed class MessageAttributeValue
{
    public string? DataType { get; set; }
    public string? StringValue { get; set; }
    public byte[]? BinaryValue { get; set; }
}

public sealed class QueueNameRequest
{
    public string? QueueName { get; set; }
}

public sealed class CreateQueueRequest
{
    public string? QueueName { get; set; }
    public Dictionary<string, string>? Attributes { get; set; }

    /// <summary>Lowercase on the wire, as AWS's model names it.</summary>
    [JsonPropertyName("tags")]
    public Dictionary<string, string>? Tags { get; set; }
}

public sealed class QueueUrlRequest
{
    public string? QueueUrl { get; set; }
}

public sealed class ListQueuesRequest
{
    public string? QueueNamePrefix { get; set; }
    public int? MaxResults { get; set; }
    public string? NextToken { get; set; }
}

public sealed class ListDeadLetterSourceQueuesRequest
{
    public string? QueueUrl { get; set; }
    public int? MaxResults { get; set; }
    public string? NextToken { get; set; }
}

public sealed class GetQueueAttributesRequest
{
    public string? QueueUrl { get; set; }
    public List<string>? AttributeNames { get; set; }
}

public sealed class SetQueueAttributesRequest
{
    public string? QueueUrl { get; set; }
    public Dictionary<string, string>? Attributes { get; set; }
}

public sealed class TagQueueRequest
{
    public string? QueueUrl { get; set; }
    public Dictionary<string, string>? Tags { get; set; }
}

public sealed class UntagQueueRequest
{
    public string? QueueUrl { get; set; }
    public List<string>? TagKeys { get; set; }
}

/// <summary>What SendMessage and each SendMessageBatch entry carry alike.</summary>
public class SendMessageFields
{
    public string? MessageBody { get; set; }
    public int? DelaySeconds { get; set; }
    public Dictionary<string, MessageAttributeValue>? MessageAttributes { get; set; }
    public Dictionary<string, MessageAttributeValue>? MessageSystemAttributes { get; set; }
    public string? MessageDeduplicationId { get; set; }
    public string? MessageGroupId { get; set; }
}

public sealed class SendMessageRequest : SendMessageFields
{
    public string? QueueUrl { get; set; }
}

public sealed class SendMessageBatchEntry : SendMessageFields
{
    public string? Id { get; set; }
}

public sealed class SendMessageBatchRequest
{
    public string? QueueUrl { get; set; }
    public List<SendMessageBatchEntry>? Entries { get; set; }
}

public sealed class ReceiveMessageRequest
{
    public string? QueueUrl { get; set; }
    public int? MaxNumberOfMessages { get; set; }
    public int? WaitTimeSeconds { get; set; }
    public int? VisibilityTimeout { get; set; }
    public List<string>? MessageAttributeNames { get; set; }
    public List<string>? MessageSystemAttributeNames { get; set; }
    public List<string>? AttributeNames { get; set; }
    public string? ReceiveRequestAttemptId { get; set; }
}

public sealed class DeleteMessageRequest
{
    public string? QueueUrl { get; set; }
    public string? ReceiptHandle { get; set; }
}

public sealed class HandleEntry
{
    public string? Id { get; set; }
    public string? ReceiptHandle { get; set; }
    public int? VisibilityTimeout { get; set; }
}

public sealed class HandleBatchRequest
{
    public string? QueueUrl { get; set; }
    public List<HandleEntry>? Entries { get; set; }
}

public sealed class ChangeMessageVisibilityRequest
{
    public string? QueueUrl { get; set; }
    public string? ReceiptHandle { get; set; }
    public int? VisibilityTimeout { get; set; }
}
