using Spartan.Bench.Cli;
using Spartan.Bench.Report;
using Spartan.Bench.Server;
using Spartan.Bench.Workloads;

namespace Spartan.Bench.Commands;

/// <summary><c>longpoll</c>: wake-up latency of parked consumers and threads held by parked long polls, in memory mode.</summary>
internal static class LongPollCommand
{
    public const string Help = """
        longpoll [--rounds R] [--consumers N] [--parked P] [--json FILE]
          LP1: R rounds of N consumers parked in GET /bench?wait=20, then N pushes; latency from a push's start to the
          answer carrying it (p50, p99, max). LP2: the server's threads idle and with P long polls parked.
          One fresh in-memory server. Defaults: R = 20, N = 50, P = 1000.
        """;

    public static TimeSpan HardLimit(Options options) => TimeSpan.FromMinutes(10);

    public static async Task<int> RunAsync(Options options, CancellationToken ct)
    {
        var rounds = options.Int("--rounds", 20, 1, 1000);
        var consumers = options.Int("--consumers", 50, 1, 1000);
        var parked = options.Int("--parked", 1000, 1, 10_000);

        var rows = new List<Row>();
        List<string> warnings;
        await using (var session = await Session.StartAsync(ServerMode.Memory, 1, ct))
        {
            Progress.Say($"memory: server {session.Server.Pid}: LP1 {rounds} × {consumers} parked, LP2 {parked} parked");
            rows.Add(await LongPoll.WakeUpAsync(session, rounds, consumers, ct));
            rows.Add(await LongPoll.ThreadsAsync(session, parked, ct));
            await session.StopServerAsync();
            warnings = session.Warnings;
        }

        Console.WriteLine();
        Console.WriteLine($"Long polling: LP1 {rounds} rounds of {consumers} parked consumers; LP2 {parked} parked long polls");
        Console.WriteLine();
        Console.Write(WorkloadsCommand.Table(rows));
        foreach (var warning in warnings) Console.WriteLine($"warning: {warning}");
        if (options.Text("--json") is { } path)
        {
            var settings = new Dictionary<string, string> { ["rounds"] = $"{rounds}", ["consumers"] = $"{consumers}", ["parked"] = $"{parked}" };
            JsonReport.Write(path, "longpoll", settings, rows);
        }

        return warnings.Count == 0 ? 0 : 1;
    }
}
