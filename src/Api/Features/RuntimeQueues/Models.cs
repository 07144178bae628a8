using System.Text.Json;
using Spartan.Api.Features.Stats;
using Spartan.Api.Http;
using Spartan.Domain;
using Spartan.Engine;

namespace Spartan.Api.Features.RuntimeQueues;

/// <summary>The body of <c>PUT</c> and <c>PATCH /_/queues/{name}</c> (SPEC §10): any of the settings. Each field is kept
/// as the JSON it was, so that <c>PATCH</c> can tell an absent field (unchanged) from a <c>null</c> one (cleared).</summary>
public sealed class QueueSettingsBody : IValidatedBody, IOptionalBody
{
    public JsonElement DeadLetter { get; set; }
    public JsonElement MaxTries { get; set; }
    public JsonElement Timeout { get; set; }
    public JsonElement Delay { get; set; }

    public bool ExceedsBodySize(int bodySize) => false;

    public string? Validate()
    {
        if (DeadLetter.ValueKind is not (JsonValueKind.Undefined or JsonValueKind.Null or JsonValueKind.String))
            return "Field 'dead_letter' must be a queue name or null.";
        if (DeadLetter.ValueKind == JsonValueKind.String && !QueueNames.IsValid(DeadLetter.GetString()!))
            return $"Field 'dead_letter': {QueueNames.Rule}";
        foreach (var (name, value) in Numbers())
        {
            if (value.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null) continue;
            if (value.ValueKind != JsonValueKind.Number || !value.TryGetUInt32(out _))
                return $"Field '{name}' must be within 0…4294967295 or null.";
        }

        return null;
    }

    /// <summary>The settings of a <c>PUT</c>: what is absent or null is unset.</summary>
    public QueueSettings ToSettings() => Merge(QueueSettings.None);

    /// <summary>A <c>PATCH</c> over <paramref name="current"/>: absent keeps, null clears, a value replaces.</summary>
    public QueueSettings Merge(QueueSettings current) => new(
        DeadLetter.ValueKind switch
        {
            JsonValueKind.Undefined => current.DeadLetter,
            JsonValueKind.String => DeadLetter.GetString(),
            _ => null,
        },
        Number(MaxTries, current.MaxTries), Number(Timeout, current.Timeout), Number(Delay, current.Delay))
    {
        Attributes = current.Attributes, // what SQS clients set is theirs to change
    };

    private static uint? Number(JsonElement value, uint? current) => value.ValueKind switch
    {
        JsonValueKind.Undefined => current,
        JsonValueKind.Number => value.GetUInt32(),
        _ => null,
    };

    private IEnumerable<(string, JsonElement)> Numbers() => [("max_tries", MaxTries), ("timeout", Timeout), ("delay", Delay)];
}

/// <summary>A queue's settings as the API shows them: null where unset.</summary>
public sealed record QueueSettingsJson(string? DeadLetter, uint? MaxTries, uint? Timeout, uint? Delay)
{
    public static QueueSettingsJson From(QueueSettings s) => new(s.DeadLetter, s.MaxTries, s.Timeout, s.Delay);
}

/// <summary>The answer of <c>PUT</c> and <c>PATCH</c>.</summary>
public sealed record QueueResponse(string Name, bool Declared, QueueSettingsJson Settings);

/// <summary>The answer of <c>GET /_/queues/{name}</c>: settings, creation instant and the stats of <c>/{queue}/stats</c>.</summary>
public sealed record QueueDetailResponse(string Name, bool Declared, QueueSettingsJson Settings, string? CreatedAt, int Size,
    int Available, int Delayed, int InFlight, int Exhausted, string? DeadLetter, double? OldestVisibleAgeS)
{
    public static QueueDetailResponse From(QueueInfo info, bool declared)
    {
        var s = StatsJson.From(info.Stats);
        return new QueueDetailResponse(info.Name, declared, QueueSettingsJson.From(info.Settings),
            info.CreatedAt is { } at ? Rfc3339.Format(at, 0) : null, s.Size, s.Available, s.Delayed, s.InFlight, s.Exhausted,
            s.DeadLetter, s.OldestVisibleAgeS);
    }
}

/// <summary>The answer of <c>DELETE /_/queues/{name}</c>: how many messages went with the queue.</summary>
public sealed record QueueDeletedResponse(int Deleted);

/// <summary>Queue names (SPEC §4): 1 to 80 letters, digits, <c>_</c> or <c>-</c>, starting with a letter or a digit.</summary>
public static class QueueNames
{
    public const string Rule = "a queue name has 1 to 80 letters, digits, '_' or '-', and starts with a letter or a digit.";

    public static bool IsValid(string name)
    {
        if (name.Length is 0 or > 80 || !char.IsAsciiLetterOrDigit(name[0])) return false;
        foreach (var c in name)
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('_' or '-')) return false;
        return true;
    }
}
