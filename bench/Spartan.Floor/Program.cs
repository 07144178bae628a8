using System.Collections.Concurrent;
using System.Net;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

// The floor for Spartan's request path (bench/README.md, `floor`): Spartan's push, pop and delete routes with the same
// JSON shapes, as a plain minimal API with source-generated JSON over a ConcurrentQueue and a ConcurrentDictionary.
// No keys, no validation, no limits, no commit loop, no persistence: what is left is what any ASP.NET Core server pays
// per request (Kestrel, routing, binding, JSON in and out). Started like spartan (`start --host 127.0.0.1:0`), it prints
// "listening on http://…" so the bench finds its port; SIGTERM stops it.
var host = args.SkipWhile(a => a != "--host").Skip(1).FirstOrDefault() ?? "127.0.0.1:0";
var endpoint = IPEndPoint.Parse(host);

var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ApplicationName = "spartan-floor", Args = [] });
builder.Logging.ClearProviders();
if (Environment.GetEnvironmentVariable("FLOOR_LOG") is not null) builder.Logging.AddSimpleConsole();
builder.WebHost.ConfigureKestrel(kestrel =>
{
    kestrel.Listen(endpoint);
    kestrel.AddServerHeader = false;
});
builder.Services.ConfigureHttpJsonOptions(json =>
{
    json.SerializerOptions.TypeInfoResolverChain.Insert(0, FloorJson.Default);
    json.SerializerOptions.PropertyNamingPolicy = System.Text.Json.JsonNamingPolicy.SnakeCaseLower;
});

var app = builder.Build();
var queues = new ConcurrentDictionary<string, FloorQueue>(StringComparer.Ordinal);

app.MapPost("/{queue}", (string queue, [Microsoft.AspNetCore.Mvc.FromBody] PushBody request) =>
{
    var q = queues.GetOrAdd(queue, static _ => new FloorQueue());
    var message = new Stored(Guid.NewGuid(), request.Body ?? "", DateTimeOffset.UtcNow);
    q.Ready.Enqueue(message);
    return TypedResults.Ok(new PushResponse(message.Id));
});

app.MapGet("/{queue}", IResult (string queue) =>
{
    if (!queues.TryGetValue(queue, out var q) || !q.Ready.TryDequeue(out var message))
        return TypedResults.Problem(statusCode: 404, title: "No message available");
    var reserved = message with { Receipt = Guid.NewGuid(), Tries = message.Tries + 1, ObtainedAt = DateTimeOffset.UtcNow };
    q.Reserved[reserved.Id] = reserved;
    return TypedResults.Ok(reserved.Json(withReceipt: true));
});

app.MapDelete("/{queue}", IResult (string queue, [Microsoft.AspNetCore.Mvc.FromBody] MessageIdBody request) =>
{
    if (!queues.TryGetValue(queue, out var q) || !Guid.TryParse(request.Id, out var id) || !q.Reserved.TryRemove(id, out var message))
        return TypedResults.Problem(statusCode: 404, title: "Message not found");
    return TypedResults.Ok(new DeleteResponse(message.Json(withReceipt: false)));
});

// Unmeasured helpers of the bench: the depth after a phase, and emptying the queue between phases.
app.MapGet("/{queue}/size", (string queue) =>
    TypedResults.Ok(new SizeResponse(queues.TryGetValue(queue, out var q) ? q.Ready.Count + q.Reserved.Count : 0)));
app.MapPost("/{queue}/clear", (string queue) =>
{
    queues.TryRemove(queue, out _);
    return TypedResults.Ok();
});

await app.StartAsync();
var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
Console.WriteLine($"Spartan floor listening on {string.Join(", ", addresses)}");
await app.WaitForShutdownAsync();

internal sealed class FloorQueue
{
    public ConcurrentQueue<Stored> Ready { get; } = new();
    public ConcurrentDictionary<Guid, Stored> Reserved { get; } = new();
}

/// <summary>A message as the floor keeps it; <see cref="Json"/> is Spartan's message object (SPEC §3.3).</summary>
internal sealed record Stored(Guid Id, string Body, DateTimeOffset DispatchedAt)
{
    public const uint MaxTries = 5;
    public const uint Timeout = 600;
    private static readonly Dictionary<string, string> NoAttributes = [];

    public Guid? Receipt { get; init; }
    public uint Tries { get; init; }
    public DateTimeOffset? ObtainedAt { get; init; }

    public MessageJson Json(bool withReceipt) => new(Id, Body, 0, NoAttributes, withReceipt ? Receipt?.ToString() : null,
        new MessageStateJson(Receipt is null ? "Available" : "Transit", Tries, MaxTries),
        new MessageTimeJson(0, DispatchedAt, null, new MessageTimeoutJson(Timeout, ObtainedAt)));
}

internal sealed class PushBody
{
    public string? Body { get; set; }
    public long? Offset { get; set; }
    public long? MaxTries { get; set; }
    public long? Timeout { get; set; }
    public long? Delay { get; set; }
    public long? Priority { get; set; }
    public Dictionary<string, string?>? Attributes { get; set; }
}

internal sealed class MessageIdBody
{
    public string? Id { get; set; }
    public string? Receipt { get; set; }
}

internal sealed record PushResponse(Guid Id);

internal sealed record DeleteResponse(MessageJson Message);

internal sealed record SizeResponse(long Size);

internal sealed record MessageJson(
    Guid Id, string Body, int Priority, IReadOnlyDictionary<string, string> Attributes, string? Receipt,
    MessageStateJson State, MessageTimeJson Time);

internal sealed record MessageStateJson(string Status, uint Tries, uint MaxTries);

internal sealed record MessageTimeJson(int Offset, DateTimeOffset DispatchedAt, DateTimeOffset? Delay, MessageTimeoutJson Timeout);

internal sealed record MessageTimeoutJson(uint Max, DateTimeOffset? ObtainedAt);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(PushBody))]
[JsonSerializable(typeof(PushResponse))]
[JsonSerializable(typeof(MessageIdBody))]
[JsonSerializable(typeof(DeleteResponse))]
[JsonSerializable(typeof(SizeResponse))]
[JsonSerializable(typeof(MessageJson))]
[JsonSerializable(typeof(Microsoft.AspNetCore.Mvc.ProblemDetails))]
internal sealed partial class FloorJson : JsonSerializerContext;
