using System.Globalization;
using Spartan.Bench.Report;

namespace Spartan.Bench.Workloads;

/// <summary>One line on stderr per finished phase, so a long run shows where it is.</summary>
internal static class Progress
{
    public static void Say(string text) =>
        Console.Error.WriteLine($"[{DateTime.Now.ToString("HH:mm:ss", CultureInfo.InvariantCulture)}] {text}");

    public static Row Show(Row row)
    {
        Say($"{row.Mode,-10} {row.Workload,-26} n={row.N,-9} {MarkdownTable.Number(row.MsgPerSec, "0")} msg/s  " +
            $"p50 {MarkdownTable.Ms(row.P50Ms)} ms  p99 {MarkdownTable.Ms(row.P99Ms)} ms  " +
            $"cpu {MarkdownTable.Number(row.ServerCpuUsPerMsg, "0.0")} µs/msg {row.Note}");
        return row;
    }
}
