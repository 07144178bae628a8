using System.Text.Json.Serialization;

namespace Spartan.Api.Features.Sqs;

/// <summary>Source-generated JSON of the SQS shapes: PascalCase as declared, nulls left out, no reflection per request.</summary>
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(QueueNameRequest))]
[JsonSerializable(typeof(CreateQueueRequest))]
[JsonSerializable(typeof(QueueUrlRequest))]
[JsonSerializable(typeof(ListQueuesRequest))]
[JsonSerializable(typeof(ListDeadLetterSourceQueuesRequest))]
[JsonSerializable(typeof(GetQueueAttributesRequest))]
[JsonSerializable(typeof(SetQueueAttributesRequest))]
[JsonSerializable(typeof(TagQueueRequest))]
[JsonSerializable(typeof(UntagQueueRequest))]
[JsonSerializable(typeof(SendMessageRequest))]
[JsonSerializable(typeof(SendMessageBatchRequest))]
[JsonSerializable(typeof(ReceiveMessageRequest))]
[JsonSerializable(typeof(DeleteMessageRequest))]
[JsonSerializable(typeof(HandleBatchRequest))]
[JsonSerializable(typeof(ChangeMessageVisibilityRequest))]
[JsonSerializable(typeof(QueueUrlReply))]
[JsonSerializable(typeof(QueueUrlsReply))]
[JsonSerializable(typeof(DeadLetterSourcesReply))]
[JsonSerializable(typeof(AttributesReply))]
[JsonSerializable(typeof(TagsReply))]
[JsonSerializable(typeof(SendMessageReply))]
[JsonSerializable(typeof(SendMessageBatchReply))]
[JsonSerializable(typeof(IdBatchReply))]
[JsonSerializable(typeof(ReceiveMessageReply))]
[JsonSerializable(typeof(ErrorReply))]
[JsonSerializable(typeof(Dictionary<string, string>))]
public sealed partial class SqsJson : JsonSerializerContext;
