using Spartan.Bench.Commands;

namespace Spartan.Bench.Report;

/// <summary>The tables of an <c>ab</c> run: every run, then per mode and workload the medians of each build and B / A.</summary>
internal static class AbReport
{
    public static string Runs(IReadOnlyList<AbRun> runs)
    {
        var cells = runs.Select(r => (IReadOnlyList<string>)
        [
            $"{r.Round}",
            r.Build,
            r.Row.Mode,
            r.Row.Workload,
            MarkdownTable.Number(r.Row.N, "N0"),
            MarkdownTable.Number(r.Row.MsgPerSec, "N0"),
            MarkdownTable.Ms(r.Row.P50Ms),
            MarkdownTable.Ms(r.Row.P99Ms),
            MarkdownTable.Number(r.Row.ServerCpuUsPerMsg, "0.0"),
            MarkdownTable.Number(r.Row.ServerSwitchesPerMsg, "0.00"),
            r.Row.Note,
        ]).ToList();
        return MarkdownTable.Render(
            ["round", "build", "mode", "workload", "n", "msg/s", "p50 ms", "p99 ms", "server CPU µs/msg", "server ctx switches/msg", "notes"],
            cells, new HashSet<int> { 0, 4, 5, 6, 7, 8, 9 });
    }

    /// <summary>Per mode and workload: each build's CPU µs/msg (median, and min–max over its runs), B / A of the medians,
    /// the range of B / A within a round, msg/s the same way, and the medians of server context switches per message.</summary>
    public static string Summary(IReadOnlyList<AbRun> runs, string a, string b)
    {
        var cells = new List<IReadOnlyList<string>>();
        foreach (var group in runs.GroupBy(r => (r.Row.Mode, r.Row.Workload)))
        {
            var ofA = group.Where(r => r.Build == a).ToList();
            var ofB = group.Where(r => r.Build == b).ToList();
            var cpuA = ofA.Select(r => r.Row.ServerCpuUsPerMsg ?? double.NaN).ToList();
            var cpuB = ofB.Select(r => r.Row.ServerCpuUsPerMsg ?? double.NaN).ToList();
            var perRound = ofA.Join(ofB, r => r.Round, r => r.Round,
                (x, y) => (y.Row.ServerCpuUsPerMsg ?? double.NaN) / (x.Row.ServerCpuUsPerMsg ?? double.NaN)).ToList();
            var switchesA = Median(ofA.Select(r => r.Row.ServerSwitchesPerMsg ?? double.NaN).ToList());
            var switchesB = Median(ofB.Select(r => r.Row.ServerSwitchesPerMsg ?? double.NaN).ToList());
            var rateA = Median(ofA.Select(r => r.Row.MsgPerSec).ToList());
            var rateB = Median(ofB.Select(r => r.Row.MsgPerSec).ToList());
            cells.Add(
            [
                group.Key.Mode,
                group.Key.Workload,
                Spread(cpuA),
                Spread(cpuB),
                MarkdownTable.Number(Median(cpuB) / Median(cpuA), "0.00"),
                perRound.Count > 0 ? $"{MarkdownTable.Number(perRound.Min(), "0.00")}–{MarkdownTable.Number(perRound.Max(), "0.00")}" : "–",
                MarkdownTable.Number(rateA, "N0"),
                MarkdownTable.Number(rateB, "N0"),
                MarkdownTable.Number(rateB / rateA, "0.00"),
                $"{MarkdownTable.Number(switchesA, "0.00")} → {MarkdownTable.Number(switchesB, "0.00")}",
            ]);
        }

        return MarkdownTable.Render(
            ["mode", "workload", $"CPU µs/msg {a}: median (min–max)", $"CPU µs/msg {b}: median (min–max)", $"CPU {b}/{a}",
                "CPU B/A per round", $"msg/s {a}", $"msg/s {b}", $"msg/s {b}/{a}", $"ctx switches/msg {a} → {b}"],
            cells, new HashSet<int> { 4, 6, 7, 8 });
    }

    private static string Spread(List<double> values) => values.Count == 0
        ? "–"
        : $"{MarkdownTable.Number(Median(values), "0.0")} ({MarkdownTable.Number(values.Min(), "0.0")}–{MarkdownTable.Number(values.Max(), "0.0")})";

    private static double Median(List<double> values)
    {
        if (values.Count == 0) return double.NaN;
        var sorted = values.Order().ToList();
        var mid = sorted.Count / 2;
        return sorted.Count % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }
}
