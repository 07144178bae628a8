using Spartan.Bench.Workloads;

namespace Spartan.Bench.Report;

/// <summary>The tables of a <c>floor</c> run: every server run, then per phase each server's medians and its ratios to
/// the floor (per round, and of the medians).</summary>
internal static class FloorReport
{
    private static readonly (string Name, Func<FloorRun, Row> Row)[] Phases = [("push", r => r.Push), ("pop+delete", r => r.PopDelete)];

    public static string Runs(IReadOnlyList<FloorRun> runs)
    {
        var cells = new List<IReadOnlyList<string>>();
        foreach (var run in runs)
        foreach (var (_, phase) in Phases)
        {
            var row = phase(run);
            cells.Add(
            [
                $"{run.Round}", run.Server, row.Workload, MarkdownTable.Number(row.N, "N0"), MarkdownTable.Number(row.MsgPerSec, "N0"),
                MarkdownTable.Ms(row.P50Ms), MarkdownTable.Ms(row.P99Ms), MarkdownTable.Number(row.ServerCpuUsPerMsg, "0.0"),
                MarkdownTable.Number(row.ServerSwitchesPerMsg, "0.00"), row.Note,
            ]);
        }

        return MarkdownTable.Render(
            ["round", "server", "phase", "n", "msg/s", "p50 ms", "p99 ms", "server CPU µs/msg", "server ctx switches/msg", "notes"],
            cells, new HashSet<int> { 0, 3, 4, 5, 6, 7, 8 });
    }

    /// <summary>Per phase and server: CPU µs/msg median (min–max), its ratio to the floor's median, the per-round ratios
    /// (median and range), msg/s median and its ratio, context switches per message.</summary>
    public static string Summary(IReadOnlyList<FloorRun> runs, string floor)
    {
        var cells = new List<IReadOnlyList<string>>();
        var servers = runs.Select(r => r.Server).Distinct().ToList();
        foreach (var (name, phase) in Phases)
        {
            var floorRuns = runs.Where(r => r.Server == floor).ToList();
            var floorCpu = Median(floorRuns.Select(r => phase(r).ServerCpuUsPerMsg ?? double.NaN));
            var floorRate = Median(floorRuns.Select(r => phase(r).MsgPerSec));
            foreach (var server in servers)
            {
                var mine = runs.Where(r => r.Server == server).ToList();
                var cpu = mine.Select(r => phase(r).ServerCpuUsPerMsg ?? double.NaN).ToList();
                var perRound = mine.Join(floorRuns, r => r.Round, r => r.Round,
                    (s, f) => (phase(s).ServerCpuUsPerMsg ?? double.NaN) / (phase(f).ServerCpuUsPerMsg ?? double.NaN)).ToList();
                var rate = Median(mine.Select(r => phase(r).MsgPerSec));
                cells.Add(
                [
                    name, server,
                    $"{MarkdownTable.Number(Median(cpu), "0.0")} ({MarkdownTable.Number(cpu.Min(), "0.0")}–{MarkdownTable.Number(cpu.Max(), "0.0")})",
                    server == floor ? "1" : MarkdownTable.Number(Median(cpu) / floorCpu, "0.00"),
                    server == floor ? "" : $"{MarkdownTable.Number(Median(perRound), "0.00")} ({MarkdownTable.Number(perRound.Min(), "0.00")}–{MarkdownTable.Number(perRound.Max(), "0.00")})",
                    MarkdownTable.Number(rate, "N0"),
                    server == floor ? "1" : MarkdownTable.Number(rate / floorRate, "0.00"),
                    MarkdownTable.Number(Median(mine.Select(r => phase(r).ServerSwitchesPerMsg ?? double.NaN)), "0.00"),
                ]);
            }
        }

        return MarkdownTable.Render(
            ["phase", "server", "server CPU µs/msg: median (min–max)", "CPU / floor (medians)", "CPU / floor per round: median (range)",
                "msg/s (median)", "msg/s / floor", "ctx switches/msg"],
            cells, new HashSet<int> { 3, 5, 6, 7 });
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToList();
        if (sorted.Count == 0) return double.NaN;
        var mid = sorted.Count / 2;
        return sorted.Count % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }
}
