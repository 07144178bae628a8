using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json.Serialization;
using System.Text.Json;
using NodaTime;

namespace Spartan.Api.Cli;

/// <summary>One line of <c>spartan dump --json</c>: the counts of one queue by state (SPEC §5).</summary>
internal readonly record struct DumpQueueLine(string Queue, int Size, int Available, int Delayed, int InFlight, int Exhausted);

/// <summary>One line of <c>spartan dump --queue Q --json</c>: one message, its full body included (SPEC §5).
/// <c>visible_at</c> is the instant the message is or was first visible (the end of its delay, else its dispatch);
/// <c>obtained_at</c> the instant of its latest reservation, null until it was reserved.</summary>
internal readonly record struct DumpMessageLine(
    string Queue,
    Guid Id,
    string Status,
    uint Tries,
    uint MaxTries,
    byte Priority,
    Instant DispatchedAt,
    Instant VisibleAt,
    Instant? ObtainedAt,
    string Body,
    IReadOnlyDictionary<string, string> Attributes);

/// <summary>One line of <c>spartan dump --events --json</c> (SPEC §5): <c>kind</c> is the event's type name, e.g.
/// <c>MessagePushed</c>; <c>id</c> the message it concerns, null for events about the whole queue.</summary>
internal readonly record struct DumpEventLine(long Seq, Instant At, string Queue, string Kind, Guid? Id);

/// <summary>Source-generated JSON for the dump lines: snake_case names, times as RFC 3339 UTC strings.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    Converters = [typeof(DumpTimeConverter)])]
[JsonSerializable(typeof(DumpQueueLine))]
[JsonSerializable(typeof(DumpMessageLine))]
[JsonSerializable(typeof(DumpEventLine))]
internal sealed partial class DumpJson : JsonSerializerContext
{
    /// <summary>Writer settings of the dump: compact, and without HTML-safe escaping so bodies read as they are
    /// (the output is never embedded in a page).</summary>
    public static JsonWriterOptions WriterOptions { get; } = new()
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Indented = false,
        SkipValidation = true,
    };
}

/// <summary>The one time format of the dump, text and JSON alike: RFC 3339 in UTC with milliseconds,
/// e.g. <c>2026-11-26T12:00:00.000Z</c>.</summary>
internal static class DumpTime
{
    /// <summary>Characters of every formatted time.</summary>
    public const int Length = 24;

    private const string Pattern = "yyyy-MM-dd'T'HH:mm:ss.fff'Z'";

    /// <summary>Writes <paramref name="instant"/> into <paramref name="destination"/> (at least 32 characters) and
    /// returns how many characters it took.</summary>
    public static int Format(Instant instant, Span<char> destination)
    {
        if (!instant.ToDateTimeUtc().TryFormat(destination, out var written, Pattern, CultureInfo.InvariantCulture))
            throw new ArgumentException("The destination is too short for a time.", nameof(destination));
        return written;
    }

    public static string Format(Instant instant)
    {
        Span<char> text = stackalloc char[32];
        return new string(text[..Format(instant, text)]);
    }
}

/// <summary>Writes an <see cref="Instant"/> in the format of <see cref="DumpTime"/>; the dump never reads JSON.</summary>
internal sealed class DumpTimeConverter : JsonConverter<Instant>
{
    public override Instant Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        throw new NotSupportedException("The dump only writes times.");

    public override void Write(Utf8JsonWriter writer, Instant value, JsonSerializerOptions options)
    {
        Span<char> text = stackalloc char[32];
        writer.WriteStringValue(text[..DumpTime.Format(value, text)]);
    }
}
