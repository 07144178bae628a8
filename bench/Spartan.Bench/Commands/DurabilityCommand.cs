using Spartan.Bench.Cli;
using Spartan.Bench.Client;
using Spartan.Bench.Measure;
using Spartan.Bench.Report;
using Spartan.Bench.Server;
using Spartan.Bench.Workloads;

namespace Spartan.Bench.Commands;

/// <summary><c>durability</c>: push throughput of the four storage modes side by side, one fresh server each.</summary>
internal static class DurabilityCommand
{
    public const string Help = """
        durability [--seconds S] [--clients C] [--body-bytes B] [--json FILE]
          Push throughput at C concurrent keep-alive clients against four fresh servers in turn: in memory,
          snapshot (timer 900), log + fsync never, log + fsync always. 2 s warm-up, then S s measured per server.
          Defaults: S = 10, C = 32, B = 100.
        """;

    private static readonly TimeSpan WarmUp = TimeSpan.FromSeconds(2);
    private const long OpCeiling = 100_000_000; // the phase ends on time; this only bounds the count

    public static TimeSpan HardLimit(Options options) =>
        TimeSpan.FromSeconds((4 * (options.Long("--seconds", 10, 1, 3600) + 90)) + 120);

    public static async Task<int> RunAsync(Options options, CancellationToken ct)
    {
        var seconds = options.Int("--seconds", 10, 1, 3600);
        var clients = options.Int("--clients", 32, 1, 1024);
        var bodyBytes = options.Int("--body-bytes", 100, 1, 32768);
        var push = Payloads.Push(Payloads.Body(bodyBytes));
        Operation operation = async (c, t) => { await c.PushAsync(push, t); return 1; };

        var rows = new List<Row>();
        var warnings = new List<string>();
        foreach (var mode in ServerMode.All)
        {
            await using var session = await Session.StartAsync(mode, clients, ct);
            Progress.Say($"{mode.Name}: server {session.Server.Pid} ({mode.Description}); warming up {WarmUp.TotalSeconds:0} s");
            var warm = await ClosedLoop.RunAsync(session.Clients, session.Server.Pid, OpCeiling, WarmUp, operation, ct);
            var phase = await ClosedLoop.RunAsync(session.Clients, session.Server.Pid, OpCeiling, TimeSpan.FromSeconds(seconds), operation, ct);
            var check = await Steps.CheckSizeAsync(session, warm.Messages + phase.Messages, ct);
            rows.Add(Progress.Show(Row.From("push", mode.Name, phase with { Capped = false }, check)));
            await session.StopServerAsync();
            warnings.AddRange(session.Warnings);
        }

        Console.WriteLine();
        Console.WriteLine($"Push throughput by durability mode: {clients} clients, {bodyBytes}-byte bodies, {seconds} s per mode after a 2 s warm-up");
        Console.WriteLine();
        Console.Write(Table(rows));
        foreach (var warning in warnings) Console.WriteLine($"warning: {warning}");
        if (options.Text("--json") is { } path)
        {
            var settings = new Dictionary<string, string>
            {
                ["seconds"] = $"{seconds}", ["clients"] = $"{clients}", ["body_bytes"] = $"{bodyBytes}",
            };
            JsonReport.Write(path, "durability", settings, rows);
        }

        return warnings.Count == 0 ? 0 : 1;
    }

    private static string Table(List<Row> rows)
    {
        var memory = rows.FirstOrDefault(r => r.Mode == ServerMode.Memory.Name)?.MsgPerSec;
        var cells = rows.Select(r => (IReadOnlyList<string>)
        [
            r.Mode,
            MarkdownTable.Number(r.MsgPerSec, "N0"),
            MarkdownTable.Ms(r.P50Ms),
            MarkdownTable.Ms(r.P99Ms),
            MarkdownTable.Number(r.ServerCpuUsPerMsg, "0.0"),
            memory is > 0 ? MarkdownTable.Number(r.MsgPerSec / memory, "0.00") : "–",
            r.Note,
        ]).ToList();
        return MarkdownTable.Render(["mode", "msg/s", "p50 ms", "p99 ms", "server CPU µs/msg", "vs memory", "notes"], cells,
            new HashSet<int> { 1, 2, 3, 4, 5 });
    }
}
