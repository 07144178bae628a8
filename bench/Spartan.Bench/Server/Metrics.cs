using System.Globalization;
using System.Text.RegularExpressions;

namespace Spartan.Bench.Server;

/// <summary>Reads one series of a server's <c>/_/metrics</c> (Prometheus text), and waits for it to reach a value.</summary>
internal static partial class Metrics
{
    /// <summary>The value of <paramref name="series"/> (name and labels, exactly as exposed), or null when absent.</summary>
    public static async Task<double?> ReadAsync(HttpClient http, Uri server, string series, CancellationToken ct)
    {
        var text = await http.GetStringAsync(new Uri(server, "/_/metrics"), ct);
        foreach (Match line in SeriesLine().Matches(text))
        {
            if (line.Groups[1].Value == series) return double.Parse(line.Groups[2].Value, CultureInfo.InvariantCulture);
        }

        return null;
    }

    /// <summary>The sum of every series of the metric <paramref name="name"/> (all its label sets).</summary>
    public static async Task<double> SumAsync(HttpClient http, Uri server, string name, CancellationToken ct)
    {
        var text = await http.GetStringAsync(new Uri(server, "/_/metrics"), ct);
        var sum = 0.0;
        foreach (Match line in SeriesLine().Matches(text))
        {
            var series = line.Groups[1].Value;
            if (series == name || (series.StartsWith(name, StringComparison.Ordinal) && series[name.Length] == '{'))
                sum += double.Parse(line.Groups[2].Value, CultureInfo.InvariantCulture);
        }

        return sum;
    }

    /// <summary>Polls every 2 ms until <paramref name="series"/> equals <paramref name="value"/>; throws at the deadline.</summary>
    public static async Task WaitForAsync(HttpClient http, Uri server, string series, double value, TimeSpan deadline, CancellationToken ct)
    {
        var until = DateTime.UtcNow + deadline;
        double? last = null;
        while (DateTime.UtcNow < until)
        {
            last = await ReadAsync(http, server, series, ct);
            if (last == value) return;
            await Task.Delay(2, ct);
        }

        throw new InvalidOperationException($"{series} stayed at {last?.ToString(CultureInfo.InvariantCulture) ?? "(absent)"}, not {value}, for {deadline.TotalSeconds:0} s");
    }

    [GeneratedRegex(@"^(\S+) (\S+)$", RegexOptions.Multiline)]
    private static partial Regex SeriesLine();
}
