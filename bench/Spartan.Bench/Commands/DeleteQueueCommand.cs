using Spartan.Bench.Cli;
using Spartan.Bench.Report;
using Spartan.Bench.Server;
using Spartan.Bench.Workloads;

namespace Spartan.Bench.Commands;

/// <summary><c>deletequeue</c>: what deleting a queue of many messages costs the other queues.</summary>
internal static class DeleteQueueCommand
{
    public const string Help = """
        deletequeue [--messages M] [--clients C] [--rounds R] [--modes memory,…] [--json FILE]
          DQ: a runtime queue gets M messages; C clients push to another queue in a closed loop; after 1.5 s the big
          queue is deleted (DELETE /_/queues/big), and the pushes keep going 1.5 s more. Reports the delete's latency
          and the pushes in flight during it against those before it (p50, p99 before; worst during; worst after).
          Defaults: M = 100000, C = 4, R = 3, modes memory,log-always.
        """;

    public static TimeSpan HardLimit(Options options) => TimeSpan.FromMinutes(20);

    public static async Task<int> RunAsync(Options options, CancellationToken ct)
    {
        var messages = options.Long("--messages", 100_000, 100, 10_000_000);
        var clients = options.Int("--clients", 4, 1, 256);
        var rounds = options.Int("--rounds", 3, 1, 100);
        var modes = ServerMode.ParseList(options.Text("--modes") ?? ServerMode.MemoryAndLogAlways);

        var rows = new List<Row>();
        var warnings = new List<string>();
        foreach (var mode in modes)
        {
            await using var session = await Session.StartAsync(mode, clients, ct);
            Progress.Say($"{mode.Name}: server {session.Server.Pid}: {rounds} rounds of deleting a queue of {messages} messages");
            await Steps.WarmUpAsync(session, 100, ct);
            for (var round = 1; round <= rounds; round++) rows.AddRange(await DeleteQueue.RunAsync(session, messages, round, ct));
            await session.StopServerAsync();
            warnings.AddRange(session.Warnings);
        }

        Console.WriteLine();
        Console.WriteLine($"Deleting a queue: M = {messages}, C = {clients} clients pushing to another queue, {rounds} rounds");
        Console.WriteLine();
        Console.Write(WorkloadsCommand.Table(rows));
        foreach (var warning in warnings) Console.WriteLine($"warning: {warning}");
        if (options.Text("--json") is { } path)
        {
            var settings = new Dictionary<string, string>
            {
                ["messages"] = $"{messages}", ["clients"] = $"{clients}", ["rounds"] = $"{rounds}",
                ["modes"] = string.Join(',', modes.Select(m => m.Name)),
            };
            JsonReport.Write(path, "deletequeue", settings, rows);
        }

        return warnings.Count == 0 ? 0 : 1;
    }
}
