using System.Globalization;

namespace Spartan.Api.Http;

/// <summary>Reads the integer query parameters of SPEC §3.2 and §10 (<c>wait</c>, <c>count</c>, <c>timeout</c>) with their
/// ranges.</summary>
public static class QueryArgs
{
    public const int MaxWaitSeconds = 20;
    public const int MaxBatch = 100;

    /// <summary>The longest reservation a pop may ask for with <c>?timeout=S</c> (SPEC §10, SQS's 12 hours).</summary>
    public const int MaxReservationSeconds = 43200;

    /// <summary>The value of <paramref name="name"/>, <paramref name="fallback"/> when absent; null with a detail
    /// naming the parameter when it is not an integer within <paramref name="min"/>…<paramref name="max"/>.</summary>
    public static int? Read(HttpContext context, string name, int min, int max, int fallback, out string? problem)
    {
        problem = null;
        var values = context.Request.Query[name];
        if (values.Count == 0) return fallback;
        if (values.Count == 1 && int.TryParse(values[0], NumberStyles.None, CultureInfo.InvariantCulture, out var value)
            && value >= min && value <= max)
            return value;
        problem = $"Query parameter '{name}' must be an integer within {min}…{max}.";
        return null;
    }

    /// <summary>Pop's <c>?timeout=S</c>: true with null when absent (the messages' own timeout), true with the seconds
    /// when within 0…43200, false with a detail otherwise.</summary>
    public static bool ReadTimeout(HttpContext context, out uint? timeout, out string? problem)
    {
        timeout = null;
        if (context.Request.Query["timeout"].Count == 0)
        {
            problem = null;
            return true;
        }

        if (Read(context, "timeout", 0, MaxReservationSeconds, 0, out problem) is not { } seconds) return false;
        timeout = (uint)seconds;
        return true;
    }
}
