using System.Text.Encodings.Web;
using System.Text.Json.Serialization;
using System.Text.Json;
using Spartan.Api.Features.Backup;
using Spartan.Api.Features.BatchDelete;
using Spartan.Api.Features.BatchPop;
using Spartan.Api.Features.BatchPush;
using Spartan.Api.Features.Cluster;
using Spartan.Api.Features.Delete;
using Spartan.Api.Features.Health;
using Spartan.Api.Features.Push;
using Spartan.Api.Features.Queues;
using Spartan.Api.Features.Redrive;
using Spartan.Api.Features.RuntimeQueues;
using Spartan.Api.Features.Size;
using Spartan.Api.Features.Stats;
using Spartan.Api.Features.Touch;

namespace Spartan.Api.Http;

/// <summary>Source-generated JSON for every request and response shape: no reflection per request, snake_case
/// names, unknown fields and duplicate fields refused, bounded depth (SPEC §3.1, §9).</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    AllowDuplicateProperties = false,
    MaxDepth = ApiJson.MaxDepth)]
[JsonSerializable(typeof(Problem))]
[JsonSerializable(typeof(MessageJson))]
[JsonSerializable(typeof(PushBody))]
[JsonSerializable(typeof(PushResponse))]
[JsonSerializable(typeof(MessageIdBody))]
[JsonSerializable(typeof(DeleteResponse))]
[JsonSerializable(typeof(SizeResponse))]
[JsonSerializable(typeof(HealthResponse))]
[JsonSerializable(typeof(PrimaryLinkJson))]
[JsonSerializable(typeof(ClusterResponse))]
[JsonSerializable(typeof(BatchPushBody))]
[JsonSerializable(typeof(BatchPushResponse))]
[JsonSerializable(typeof(BatchPopResponse))]
[JsonSerializable(typeof(BatchDeleteBody))]
[JsonSerializable(typeof(BatchDeleteResponse))]
[JsonSerializable(typeof(BatchDeleteWithReceiptsResponse))]
[JsonSerializable(typeof(TouchBody))]
[JsonSerializable(typeof(StatsJson))]
[JsonSerializable(typeof(RedriveResponse))]
[JsonSerializable(typeof(QueuesResponse))]
[JsonSerializable(typeof(BackupResponse))]
[JsonSerializable(typeof(QueueSettingsBody))]
[JsonSerializable(typeof(QueueResponse))]
[JsonSerializable(typeof(QueueDetailResponse))]
[JsonSerializable(typeof(QueueDeletedResponse))]
public sealed partial class ApiJson : JsonSerializerContext;

/// <summary>The context the API writes with.</summary>
public sealed partial class ApiJson
{
    /// <summary>How deep a request's JSON may nest (SPEC §9); deeper is malformed.</summary>
    public const int MaxDepth = 8;

    /// <summary>The settings above, but without HTML-safe escaping: answers are application/json, never embedded
    /// in a page, so <c>+00:00</c> and quotes stay readable.</summary>
    public static ApiJson Web { get; } = new(new JsonSerializerOptions
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        AllowDuplicateProperties = false,
        MaxDepth = ApiJson.MaxDepth,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    });
}
