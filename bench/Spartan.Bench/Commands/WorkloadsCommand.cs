using Spartan.Bench.Cli;
using Spartan.Bench.Report;
using Spartan.Bench.Server;
using Spartan.Bench.Workloads;

namespace Spartan.Bench.Commands;

/// <summary><c>workloads</c>: W1–W6 against each selected storage mode, two fresh servers per mode.</summary>
internal static class WorkloadsCommand
{
    public const string Help = """
        workloads [--messages M] [--clients C] [--modes memory,snapshot,log-never,log-always] [--quick] [--json FILE]
          W1 push; W2 pop + delete; W3 batches of 10 and 100 (push, pop + delete) — M messages each, C clients.
          W4 pop latency at depths 1k/100k/1M (10% delayed), W5 server RSS per stored message, W6 restart time
          with 1M stored. --quick: M = 20000 and depths 1k/10k/100k unless --messages is given. Defaults: M = 200000, C = 16.
        """;

    public static TimeSpan HardLimit(Options options) => TimeSpan.FromMinutes(options.Has("--quick") ? 20 : 120);

    public static async Task<int> RunAsync(Options options, CancellationToken ct)
    {
        var quick = options.Has("--quick");
        var messages = options.Long("--messages", quick ? 20_000 : 200_000, 100, 100_000_000);
        var clients = options.Int("--clients", 16, 1, 1024);
        var sizes = quick ? Sizes.Quick(messages, clients) : Sizes.Full(messages, clients);
        var modes = ServerMode.ParseList(options.Text("--modes") ?? string.Join(',', ServerMode.All.Select(m => m.Name)));

        var rows = new List<Row>();
        var warnings = new List<string>();
        foreach (var mode in modes)
        {
            await using (var session = await Session.StartAsync(mode, clients, ct))
            {
                Progress.Say($"{mode.Name}: server {session.Server.Pid} ({mode.Description}) for W1–W3");
                rows.AddRange(await Throughput.RunAsync(session, sizes, ct));
                await session.StopServerAsync();
                warnings.AddRange(session.Warnings);
            }

            await using (var session = await Session.StartAsync(mode, clients, ct))
            {
                Progress.Say($"{mode.Name}: server {session.Server.Pid} for W4–W6, up to {sizes.Stored} messages");
                rows.AddRange(await Depth.RunAsync(session, sizes, ct));
                rows.AddRange(await Restart.RunAsync(session, sizes.Stored, ct));
                await session.StopServerAsync();
                warnings.AddRange(session.Warnings);
            }
        }

        Console.WriteLine();
        Console.WriteLine($"Spartan workloads: M = {sizes.Messages}, C = {clients}, {sizes.BodyBytes}-byte bodies, " +
                          $"depths {string.Join('/', sizes.Depths.Select(Depth.Short))}{(quick ? " (quick)" : "")}");
        Console.WriteLine();
        Console.Write(Table(rows));
        foreach (var warning in warnings) Console.WriteLine($"warning: {warning}");
        if (options.Text("--json") is { } path)
        {
            var settings = new Dictionary<string, string>
            {
                ["messages"] = $"{sizes.Messages}", ["clients"] = $"{clients}", ["quick"] = $"{quick}",
                ["depths"] = string.Join(',', sizes.Depths), ["modes"] = string.Join(',', modes.Select(m => m.Name)),
            };
            JsonReport.Write(path, "workloads", settings, rows);
        }

        return warnings.Count == 0 && rows.All(r => r.Errors == 0) ? 0 : 1;
    }

    /// <summary>The workloads table; <c>longpoll</c> and <c>replication</c> print their rows the same way.</summary>
    public static string Table(List<Row> rows)
    {
        var cells = rows.Select(r => (IReadOnlyList<string>)
        [
            r.Workload,
            r.Mode,
            MarkdownTable.Number(r.N, "N0"),
            r.N > 0 ? MarkdownTable.Number(r.MsgPerSec, "N0") : "–",
            MarkdownTable.Ms(r.P50Ms),
            MarkdownTable.Ms(r.P99Ms),
            MarkdownTable.Number(r.ServerCpuUsPerMsg, "0.0"),
            r.Note,
        ]).ToList();
        return MarkdownTable.Render(["workload", "mode", "n", "msg/s", "p50 ms", "p99 ms", "server CPU µs/msg", "notes"], cells,
            new HashSet<int> { 2, 3, 4, 5, 6 });
    }
}
