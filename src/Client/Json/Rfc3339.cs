using System.Globalization;

namespace Spartan.Client.Json;

/// <summary>Reads the server's RFC 3339 instants. A message's offset may be up to a day and need not be whole minutes
/// (<c>+HH:MM:SS</c>), beyond what <see cref="DateTimeOffset"/> holds, so the offset is applied by hand and the
/// instant kept in UTC.</summary>
internal static class Rfc3339
{
    public static DateTimeOffset? ParseOrNull(string? text) => text is null ? null : Parse(text);

    public static DateTimeOffset Parse(string text)
    {
        if (text.EndsWith('Z'))
            return new DateTimeOffset(ParseLocal(text.AsSpan(0, text.Length - 1)), TimeSpan.Zero);
        // The offset starts at the last sign after the 'T' (the date's own dashes come before it).
        var t = text.IndexOf('T', StringComparison.Ordinal);
        var sign = text.LastIndexOfAny(['+', '-']);
        if (t < 0 || sign < t) throw new FormatException($"Not an RFC 3339 instant: '{text}'.");
        var local = ParseLocal(text.AsSpan(0, sign));
        var parts = text[(sign + 1)..].Split(':');
        var seconds = 0;
        foreach (var (part, scale) in parts.Zip([3600, 60, 1]))
            seconds += int.Parse(part, NumberStyles.None, CultureInfo.InvariantCulture) * scale;
        var offset = TimeSpan.FromSeconds(text[sign] == '-' ? -seconds : seconds);
        return new DateTimeOffset(DateTime.SpecifyKind(local - offset, DateTimeKind.Unspecified), TimeSpan.Zero);
    }

    private static DateTime ParseLocal(ReadOnlySpan<char> text) =>
        DateTime.ParseExact(text, "yyyy-MM-dd'T'HH:mm:ss.FFFFFFF", CultureInfo.InvariantCulture, DateTimeStyles.None);
}
