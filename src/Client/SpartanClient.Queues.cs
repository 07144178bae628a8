using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Spartan.Client.Json;

namespace Spartan.Client;

public sealed partial class SpartanClient
{
    /// <summary>How many messages the queue holds, in any state.</summary>
    public async Task<int> GetSizeAsync(string queue, CancellationToken ct = default) =>
        (await CallAsync(HttpMethod.Get, $"{Q(queue)}/size", null, ClientJson.Default.SizeWire, ct, idempotent: true)
            .ConfigureAwait(false))!.Size;

    /// <summary>The queue's counts by state, dead-letter queue and oldest visible age.</summary>
    public async Task<QueueStats> GetStatsAsync(string queue, CancellationToken ct = default) =>
        WireMapping.ToStats((await CallAsync(HttpMethod.Get, $"{Q(queue)}/stats", null, ClientJson.Default.StatsWire, ct,
            idempotent: true).ConfigureAwait(false))!);

    /// <summary>Removes every message of the queue, reserved ones included.</summary>
    public Task ClearAsync(string queue, CancellationToken ct = default) =>
        CallAsync(HttpMethod.Post, $"{Q(queue)}/clear", null, ct);

    /// <summary>Moves the unreserved messages of the queue's dead-letter queue back into it; answers how many moved.</summary>
    public async Task<int> RedriveAsync(string queue, CancellationToken ct = default) =>
        (await CallAsync(HttpMethod.Post, $"{Q(queue)}/redrive", null, ClientJson.Default.RedriveWire, ct).ConfigureAwait(false))!.Moved;

    /// <summary>The queues the access key covers, declared then runtime, with their stats.</summary>
    public async Task<IReadOnlyList<QueueSummary>> ListQueuesAsync(CancellationToken ct = default) =>
        [.. (await CallAsync(HttpMethod.Get, "_/queues", null, ClientJson.Default.QueuesWire, ct, idempotent: true)
            .ConfigureAwait(false))!.Queues.Select(WireMapping.ToSummary)];

    /// <summary>One queue: whether it is declared, its settings, when it was created, its stats.</summary>
    public async Task<QueueDetail> GetQueueAsync(string name, CancellationToken ct = default) =>
        WireMapping.ToDetail((await CallAsync(HttpMethod.Get, $"_/queues/{Q(name)}", null, ClientJson.Default.QueueDetailWire, ct,
            idempotent: true).ConfigureAwait(false))!);

    /// <summary>Creates a runtime queue; succeeds too when it exists with the same settings
    /// (<see cref="QueueDefinition.Created"/> tells which), and throws <see cref="QueueConflictException"/> when its
    /// settings differ.</summary>
    public async Task<QueueDefinition> CreateQueueAsync(string name, QueueSettings? settings = null, CancellationToken ct = default)
    {
        var body = Json(WireMapping.ToWire(settings ?? new QueueSettings()), ClientJson.Default.QueueSettingsWire);
        using var response = await ExchangeAsync(HttpMethod.Put, $"_/queues/{Q(name)}", body, ct).ConfigureAwait(false);
        var answer = await response!.Content.ReadFromJsonAsync(ClientJson.Default.QueueAnswerWire, ct).ConfigureAwait(false);
        return new QueueDefinition(answer!.Name, answer.Declared, WireMapping.ToSettings(answer.Settings))
        {
            Created = response.StatusCode == HttpStatusCode.Created,
        };
    }

    /// <summary>Changes a runtime queue's settings and answers them as they are now.</summary>
    public async Task<QueueDefinition> ChangeQueueAsync(string name, QueueSettingsChange change, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(change);
        var answer = await CallAsync(HttpMethod.Patch, $"_/queues/{Q(name)}", new ByteArrayContent(Patch(change))
        {
            Headers = { ContentType = new("application/json") },
        }, ClientJson.Default.QueueAnswerWire, ct).ConfigureAwait(false);
        return new QueueDefinition(answer!.Name, answer.Declared, WireMapping.ToSettings(answer.Settings));
    }

    /// <summary>Deletes a runtime queue with its messages; answers how many messages went with it.</summary>
    public async Task<int> DeleteQueueAsync(string name, CancellationToken ct = default) =>
        (await CallAsync(HttpMethod.Delete, $"_/queues/{Q(name)}", null, ClientJson.Default.QueueDeletedWire, ct)
            .ConfigureAwait(false))!.Deleted;

    /// <summary>The node's liveness, role and version (never needs a key).</summary>
    public async Task<HealthStatus> GetHealthAsync(CancellationToken ct = default) =>
        WireMapping.ToHealth((await CallAsync(HttpMethod.Get, "_/health", null, ClientJson.Default.HealthWire, ct, idempotent: true)
            .ConfigureAwait(false))!);

    /// <summary>A PATCH body tells an absent field (kept) from a null one (cleared), which a serialized record cannot.</summary>
    private static byte[] Patch(QueueSettingsChange change)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            if (change.Clear.HasFlag(QueueSettingFields.DeadLetter)) json.WriteNull("dead_letter");
            else if (change.DeadLetter is { } dead) json.WriteString("dead_letter", dead);
            Number(json, "max_tries", change.MaxTries, change.Clear.HasFlag(QueueSettingFields.MaxTries));
            Number(json, "timeout", WireMapping.Seconds(change.Timeout), change.Clear.HasFlag(QueueSettingFields.Timeout));
            Number(json, "delay", WireMapping.Seconds(change.Delay), change.Clear.HasFlag(QueueSettingFields.Delay));
            json.WriteEndObject();
        }

        return buffer.ToArray();
    }

    private static void Number(Utf8JsonWriter json, string name, uint? value, bool clear)
    {
        if (clear) json.WriteNull(name);
        else if (value is { } v) json.WriteNumber(name, v);
    }
}
