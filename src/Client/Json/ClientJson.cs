using System.Text.Json.Serialization;

namespace Spartan.Client.Json;

/// <summary>Source-generated JSON for every shape the client sends and reads: no reflection, so the client trims and
/// compiles ahead of time. Fields the server adds later are ignored when reading.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(PushWire))]
[JsonSerializable(typeof(BatchPushWire))]
[JsonSerializable(typeof(IdWire))]
[JsonSerializable(typeof(IdsWire))]
[JsonSerializable(typeof(MessageIdWire))]
[JsonSerializable(typeof(TouchWire))]
[JsonSerializable(typeof(BatchDeleteWire))]
[JsonSerializable(typeof(BatchDeleteAnswerWire))]
[JsonSerializable(typeof(MessageWire))]
[JsonSerializable(typeof(MessagesWire))]
[JsonSerializable(typeof(DeletedMessageWire))]
[JsonSerializable(typeof(SizeWire))]
[JsonSerializable(typeof(StatsWire))]
[JsonSerializable(typeof(QueuesWire))]
[JsonSerializable(typeof(QueueAnswerWire))]
[JsonSerializable(typeof(QueueDetailWire))]
[JsonSerializable(typeof(QueueDeletedWire))]
[JsonSerializable(typeof(RedriveWire))]
[JsonSerializable(typeof(HealthWire))]
[JsonSerializable(typeof(ProblemWire))]
internal sealed partial class ClientJson : JsonSerializerContext;
