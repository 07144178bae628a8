using System.Globalization;
using System.Text.RegularExpressions;

namespace Spartan.Bench.Server;

/// <summary>Figures the server itself logs (recovery, compaction, snapshot durations).</summary>
internal static partial class ServerLog
{
    /// <summary>N from the last line containing <paramref name="marker"/> that says "in N ms"; null when none does.</summary>
    public static long? Milliseconds(IEnumerable<string> lines, string marker)
    {
        foreach (var line in lines.Reverse())
        {
            if (!line.Contains(marker, StringComparison.Ordinal)) continue;
            var match = MillisecondsPart().Match(line);
            if (match.Success) return long.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
        }

        return null;
    }

    [GeneratedRegex(@" in (\d+) ms")]
    private static partial Regex MillisecondsPart();
}
