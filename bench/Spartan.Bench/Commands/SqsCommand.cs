using Spartan.Bench.Cli;
using Spartan.Bench.Report;
using Spartan.Bench.Server;
using Spartan.Bench.Workloads;

namespace Spartan.Bench.Commands;

/// <summary><c>sqs</c>: what the SQS door (SPEC §11) costs against the native batch routes, on the same server.</summary>
internal static class SqsCommand
{
    public const string Help = """
        sqs [--messages M] [--clients C] [--rounds R] [--modes memory,…] [--json FILE]
          SQS1: M 100-byte messages moved by C clients in operations of 10 (push, pop, delete: 3 requests), through the
          native batch routes and then through the AWS SDK for .NET (SendMessageBatch, ReceiveMessage, DeleteMessageBatch)
          on the SQS door, alternating for R rounds on one server per mode. Reports msg/s, server and client CPU µs/msg, and
          sdk / native of msg/s and server CPU; the queue must be empty after each phase. Defaults: M = 50000, C = 16, R = 1,
          modes memory,log-always.
        """;

    private static readonly TimeSpan PhaseCap = TimeSpan.FromSeconds(120);

    /// <summary>Every phase at its cap (plus the 10 s grace), and 3 min per mode to start, warm up and stop.</summary>
    public static TimeSpan HardLimit(Options options) =>
        Modes(options).Count * (2 * options.Int("--rounds", 1, 1, 100) * (PhaseCap + TimeSpan.FromSeconds(10)) + TimeSpan.FromMinutes(3));

    public static async Task<int> RunAsync(Options options, CancellationToken ct)
    {
        var messages = options.Long("--messages", 50_000, 100, 10_000_000);
        if (messages % 10 != 0) throw new ArgumentException($"--messages: expected a multiple of 10 (operations move 10), got {messages}");
        var clients = options.Int("--clients", 16, 1, 256);
        var rounds = options.Int("--rounds", 1, 1, 100);
        var modes = Modes(options);

        var results = new List<SqsRound>();
        var warnings = new List<string>();
        foreach (var mode in modes)
        {
            await using var session = await Session.StartAsync(mode, clients, ct);
            Progress.Say($"{mode.Name}: server {session.Server.Pid} ({mode.Description}): {rounds} rounds of native and SDK, M = {messages}");
            results.AddRange(await SqsVsNative.RunAsync(session, messages, rounds, PhaseCap, ct));
            await session.StopServerAsync();
            warnings.AddRange(session.Warnings);
        }

        Console.WriteLine();
        Console.WriteLine($"SQS door against the native batch routes: M = {messages}, C = {clients}, " +
                          $"{SqsVsNative.BodyBytes}-byte bodies, batches of 10, {rounds} round(s); latency per operation " +
                          "(push + pop + delete of 10: 3 requests)");
        Console.WriteLine();
        Console.Write(Table(results));
        if (rounds > 1)
        {
            Console.WriteLine();
            foreach (var mode in results.GroupBy(r => r.Mode))
                Console.WriteLine($"{mode.Key}: sdk / native, median of {mode.Count()} rounds: msg/s {SqsVsNative.Ratio(Median(mode, r => r.MsgPerSecRatio))}, " +
                                  $"server CPU µs/msg {SqsVsNative.Ratio(Median(mode, r => r.CpuRatio))}");
        }

        foreach (var warning in warnings) Console.WriteLine($"warning: {warning}");
        if (options.Text("--json") is { } path)
        {
            var settings = new Dictionary<string, string>
            {
                ["messages"] = $"{messages}", ["clients"] = $"{clients}", ["rounds"] = $"{rounds}",
                ["body_bytes"] = $"{SqsVsNative.BodyBytes}", ["modes"] = string.Join(',', modes.Select(m => m.Name)),
            };
            JsonReport.Write(path, "sqs", settings, results);
        }

        return warnings.Count == 0 && results.All(r => r.Problems.Count == 0) ? 0 : 1;
    }

    private static List<ServerMode> Modes(Options options) =>
        ServerMode.ParseList(options.Text("--modes") ?? ServerMode.MemoryAndLogAlways);

    private static double? Median(IEnumerable<SqsRound> rounds, Func<SqsRound, double?> ratio)
    {
        var values = rounds.Select(ratio).OfType<double>().Order().ToList();
        return values.Count == 0 ? null : (values[(values.Count - 1) / 2] + values[values.Count / 2]) / 2;
    }

    /// <summary>Two lines per round (native, then sdk with its ratios against the native line above it). Client CPU is the
    /// bench process's own, per message: with the clients on the server's cores, msg/s pays for it too.</summary>
    private static string Table(List<SqsRound> results)
    {
        var cells = new List<IReadOnlyList<string>>();
        foreach (var result in results)
        {
            cells.Add(Cells(result.Native, result.NativeClientCpuUsPerMsg, "", ""));
            cells.Add(Cells(result.Sdk, result.SdkClientCpuUsPerMsg, SqsVsNative.Ratio(result.MsgPerSecRatio), SqsVsNative.Ratio(result.CpuRatio)));
        }

        return MarkdownTable.Render(
            ["workload", "mode", "n", "msg/s", "p50 ms", "p99 ms", "server CPU µs/msg", "client CPU µs/msg", "sdk / native msg/s",
                "sdk / native server CPU", "notes"],
            cells, new HashSet<int> { 2, 3, 4, 5, 6, 7, 8, 9 });
    }

    private static string[] Cells(Row row, double? clientCpu, string msgPerSecRatio, string cpuRatio) =>
    [
        row.Workload,
        row.Mode,
        MarkdownTable.Number(row.N, "N0"),
        row.N > 0 ? MarkdownTable.Number(row.MsgPerSec, "N0") : "–",
        MarkdownTable.Ms(row.P50Ms),
        MarkdownTable.Ms(row.P99Ms),
        MarkdownTable.Number(row.ServerCpuUsPerMsg, "0.0"),
        MarkdownTable.Number(clientCpu, "0.0"),
        msgPerSecRatio,
        cpuRatio,
        row.Note,
    ];
}
