using FastEndpoints;
using Spartan.Api.Features.BatchDelete;
using Spartan.Api.Features.BatchPop;
using Spartan.Api.Features.BatchPush;
using Spartan.Api.Features.Delete;
using Spartan.Api.Features.Health;
using Spartan.Api.Features.Push;
using Spartan.Api.Features.Queues;
using Spartan.Api.Features.Redrive;
using Spartan.Api.Features.Size;
using Spartan.Api.Features.Stats;
using Spartan.Api.Hosting;
using Spartan.Api.Http;

namespace Spartan.Api.Features;

/// <summary>The example values of the OpenAPI document (<c>/_/openapi.json</c>, <c>/_/docs</c>), shared by every
/// endpoint's <c>Summary</c> so that one message, id and receipt read the same on every route.</summary>
/// <remarks>Request examples are anonymous objects holding exactly the fields a client sends (the request classes
/// would add nulls and their computed members). Response examples are the records the server writes. Both are
/// written by the document's serializer settings (snake_case, as the API), so names cannot drift from the wire.
/// Nothing here is on the request path: the values are read once, when the document is generated.</remarks>
internal static class Examples
{
    public static readonly Guid Id = new("6f1c4a8e-2b9d-4d1e-9c7a-0a5f3e2d1b00");
    public static readonly Guid OtherId = new("0b7d2f4e-9a1c-4e3b-8d5f-6c2a1e9b7d40");
    public const string Receipt = "3b9e0f2a7c5d4e1f8a6b9c0d2e4f6a81";

    private const string Body = "Hello, world";
    private const int Offset = 10800;
    private const string DispatchedAt = "2026-11-26T15:04:05.123+03:00";
    private const string ObtainedAt = "2026-11-26T15:04:06.456+03:00";
    private const string TouchedAt = "2026-11-26T15:04:20.789+03:00";
    private static readonly Dictionary<string, string> Attributes = new(StringComparer.Ordinal) { ["kind"] = "greeting" };

    // Requests.

    public static readonly object PushRequest = new
    {
        Body, Offset, MaxTries = 3, Timeout = 60, Priority = 5, Attributes,
    };

    public static readonly object BatchPushRequest = new
    {
        Messages = new object[]
        {
            new { Body, Offset, MaxTries = 3, Timeout = 60, Priority = 5, Attributes },
            new { Body = "Welcome mail for user 42", Delay = 30 },
        },
    };

    public static readonly object MessageIdRequest = new { Id, Receipt };

    public static readonly object TouchRequest = new { Id, Receipt, Timeout = 120 };

    public static readonly object BatchDeleteRequest = new { Ids = new[] { Id, OtherId } };

    // Messages (SPEC §3.3).

    /// <summary>As pop and batch pop answer it: reserved, with the receipt of this reservation.</summary>
    public static readonly MessageJson Reserved = new(Id, Body, 5, Attributes, Receipt,
        new MessageStateJson("Transit", 1, 3), new MessageTimeJson(Offset, DispatchedAt, null, new MessageTimeoutJson(60, ObtainedAt)));

    /// <summary>As get and delete show a reserved message: no receipt for anyone but the consumer that reserved it.</summary>
    public static readonly MessageJson Held = Reserved with { Receipt = null };

    /// <summary>As peek shows the next visible message: never reserved yet.</summary>
    public static readonly MessageJson Waiting = Reserved with
    {
        Receipt = null,
        State = new MessageStateJson("Available", 0, 3),
        Time = new MessageTimeJson(Offset, DispatchedAt, null, new MessageTimeoutJson(60, null)),
    };

    /// <summary>As touch answers a request that sent the receipt and a new timeout.</summary>
    public static readonly MessageJson Touched = Reserved with
    {
        Time = new MessageTimeJson(Offset, DispatchedAt, null, new MessageTimeoutJson(120, TouchedAt)),
    };

    // Other answers.

    public static readonly PushResponse Pushed = new(Id);
    public static readonly BatchPushResponse BatchPushed = new([Id, OtherId]);
    public static readonly BatchPopResponse BatchPopped = new([Reserved]);
    public static readonly DeleteResponse Deleted = new(Held);
    public static readonly BatchDeleteResponse BatchDeleted = new([Id], [OtherId]);
    public static readonly SizeResponse Size = new(12);
    public static readonly StatsJson Stats = new(12, 7, 2, 3, 0, "emails-dead", 4.271);
    public static readonly RedriveResponse Redriven = new(2);

    public static readonly QueuesResponse Queues = new(
    [
        new QueueJson("emails", true, 12, 7, 2, 3, 0, "emails-dead", 4.271),
        new QueueJson("emails-dead", true, 2, 2, 0, 0, 0, null, 3600.5),
        new QueueJson("thumbnails", false, 0, 0, 0, 0, 0, null, null),
    ]);

    public static readonly object QueueSettingsRequest = new { DeadLetter = "thumbnails-dead", MaxTries = 5, Timeout = 120 };

    public static readonly RuntimeQueues.QueueResponse QueueCreated =
        new("thumbnails", false, new RuntimeQueues.QueueSettingsJson("thumbnails-dead", 5, 120, null));

    public static readonly RuntimeQueues.QueueDetailResponse QueueDetail = new("thumbnails", false,
        new RuntimeQueues.QueueSettingsJson("thumbnails-dead", 5, 120, null), "2026-11-30T09:12:44.000+00:00", 3, 2, 0, 1, 0,
        "thumbnails-dead", 1.25);

    public static readonly HealthResponse Health = new("ok", "standalone", NodeInfo.BuildVersion);

    public static readonly Backup.BackupResponse Backup = new("/srv/spartan/backups/spartan-20261126T150405.123Z", 104217, 5120);

    public const string Metrics = """
        # HELP spartan_pushed_total Messages pushed.
        # TYPE spartan_pushed_total counter
        spartan_pushed_total{queue="emails"} 1042
        # HELP spartan_messages Messages held, by queue and state.
        # TYPE spartan_messages gauge
        spartan_messages{queue="emails",state="available"} 7
        spartan_messages{queue="emails",state="in_flight"} 3
        # HELP spartan_long_poll_waiting Consumers parked in long polls.
        # TYPE spartan_long_poll_waiting gauge
        spartan_long_poll_waiting 4

        """;
}

/// <summary>The error answers of SPEC §3.4 as OpenAPI responses, in the words every route shares.</summary>
internal static class ProblemResponses
{
    private const string AuthHeader =
        "`Authorization header not found` or `Incorrect key header` (only when access keys are configured)";

    /// <summary>Adds a problem+json response with its description.</summary>
    public static void Problem(this EndpointSummary s, int status, string description) =>
        s.Response<Problem>(status, description, Problems.ContentType);

    /// <summary>The errors of a <c>{queue}</c> route. SPEC §3.4 checks auth (400/401), queue (404), size (413),
    /// validity (400), then the operation (404/409); they are listed by status. A null argument leaves a case out.</summary>
    public static void QueueErrors(this EndpointSummary s, string? invalid = null, string? notFound = null,
        string? tooLarge = null, string? stale = null)
    {
        s.Problem(400, invalid is null ? AuthHeader : $"{AuthHeader}; `Invalid request`: {invalid} (`detail` names the field)");
        s.Problem(401, "`Access denied`: unknown key, or the key does not cover this queue");
        s.Problem(404, notFound is null ? "`Queue not found`" : $"`Queue not found`; {notFound}");
        if (stale is not null) s.Problem(409, $"`Stale receipt`: {stale}");
        if (tooLarge is not null) s.Problem(413, $"`Message too large`: {tooLarge}");
    }

    /// <summary>The errors of <c>PUT</c>, <c>PATCH</c> and <c>DELETE /_/queues/{name}</c> (SPEC §10).</summary>
    public static void RuntimeQueueErrors(this EndpointSummary s, string conflict, bool notFound = false, bool body = true)
    {
        s.Problem(400, $"{AuthHeader}; `Invalid request`: the name is not a queue name" +
                       (body ? ", a field has the wrong type or range, or dead_letter names the queue itself or no queue" : ""));
        s.Problem(401, "`Access denied`: the key is unknown or has no \"*\"");
        s.Problem(403, "`Runtime queues disabled`: allow_runtime_queues is false");
        if (notFound) s.Problem(404, "`Queue not found`");
        s.Problem(409, conflict);
        s.Problem(503, "`Read-only replica`: send it to the primary; `Storage unavailable`");
    }

    /// <summary>The errors of a server route under <c>/_/</c> that needs a key when keys are configured.</summary>
    public static void KeyErrors(this EndpointSummary s, string denied)
    {
        s.Problem(400, AuthHeader);
        s.Problem(401, $"`Access denied`: {denied}");
    }

    /// <summary>413 of a route whose body holds no message: only the byte limit applies.</summary>
    public const string RequestTooLarge = "the request is longer than 6 × body_size + 64 KiB bytes";

    /// <summary>413 of a batch route.</summary>
    public const string BatchTooLarge = "a message's body plus attributes exceeds body_size bytes, or the request is longer " +
                                        "than 100 × (6 × body_size + 64 KiB) bytes";

    /// <summary>409 of the routes that take a receipt (SPEC §2.3).</summary>
    public const string StaleReceipt = "the receipt is not the message's latest";
}
