using System.Text.Json.Serialization;
using FastEndpoints;

namespace Spartan.Api.Http;

/// <summary>The body of every error (RFC 9457), with the exact titles of SPEC §3.4.</summary>
public sealed record Problem(
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("title")] string Title,
    [property: JsonPropertyName("status")] int Status,
    [property: JsonPropertyName("detail")][property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Detail);

/// <summary>Writes problem+json answers; every error of the API goes through here.</summary>
public static class Problems
{
    public const string ContentType = "application/problem+json";

    public const string NoAuthorizationHeader = "Authorization header not found";
    public const string IncorrectKeyHeader = "Incorrect key header";
    public const string AccessDenied = "Access denied";
    public const string QueueNotFound = "Queue not found";
    public const string NoMessageAvailable = "No message available";
    public const string MessageNotFound = "Message not found";
    public const string InvalidRequest = "Invalid request";
    public const string StaleReceipt = "Stale receipt";
    public const string MessageTooLarge = "Message too large";
    public const string ReadOnlyReplica = "Read-only replica";
    public const string NotPrimary = "Not primary";

    /// <summary>On a cluster's 503 <c>Not primary</c>: where the primary's HTTP is (SPEC §13).</summary>
    public const string LeaderHeader = "Spartan-Leader";
    public const string StorageUnavailable = "Storage unavailable";
    public const string NoPersistence = "No persistence";
    public const string NotReady = "Not ready";
    public const string QueueExists = "Queue exists";
    public const string DeclaredQueue = "Declared queue";
    public const string QueueInUse = "Queue in use";
    public const string TooManyQueues = "Too many queues";
    public const string RuntimeQueuesDisabled = "Runtime queues disabled";

    public static async Task WriteAsync(HttpContext context, int status, string title, string? detail = null)
    {
        var response = context.Response;
        response.StatusCode = status;
        response.ContentType = ContentType;
        await response.WriteAsJsonAsync(new Problem("about:blank", title, status, detail), ApiJson.Web.Problem,
            ContentType, context.RequestAborted);
        context.MarkResponseStart();
    }
}
