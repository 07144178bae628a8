using Spartan.Bench.Cli;
using Spartan.Bench.Report;
using Spartan.Bench.Server;
using Spartan.Bench.Workloads;

namespace Spartan.Bench.Commands;

/// <summary><c>replication</c>: how far a replica lags its primary, under a push load and idle.</summary>
internal static class ReplicationCommand
{
    public const string Help = """
        replication [--messages M] [--clients C] [--modes log-always,…] [--idle-samples S] [--json FILE]
          Per mode, a fresh primary and replica (the replica on replication port 0, read back from its log). R1: C clients
          push M messages to the primary; R2: meanwhile, markers pushed to queue `lag` and polled on the replica: lag from
          the primary's 200 to the replica's first 200 (p50, p99, max); R3: S markers on the idle pair.
          Defaults: M = 100000, C = 16, modes log-always, S = 50.
        """;

    public static TimeSpan HardLimit(Options options) => TimeSpan.FromMinutes(30);

    public static async Task<int> RunAsync(Options options, CancellationToken ct)
    {
        var messages = options.Long("--messages", 100_000, 100, 100_000_000);
        var clients = options.Int("--clients", 16, 1, 1024);
        var idle = options.Int("--idle-samples", 50, 1, 10_000);
        var modes = ServerMode.ParseList(options.Text("--modes") ?? ServerMode.LogAlways.Name);

        var rows = new List<Row>();
        var warnings = new List<string>();
        foreach (var mode in modes)
        {
            var pair = await ReplicaPair.StartAsync(mode, ct);
            try
            {
                Progress.Say($"{mode.Name}: primary {pair.Primary!.Pid}, replica {pair.Replica!.Pid} on replication port {pair.ReplicaPort}");
                rows.AddRange(await ReplicationLag.RunAsync(pair, messages, clients, idle, ct));
            }
            finally
            {
                await pair.DisposeAsync();
                warnings.AddRange(pair.Warnings);
            }
        }

        Console.WriteLine();
        Console.WriteLine($"Replication: M = {messages}, C = {clients}, {idle} idle markers");
        Console.WriteLine();
        Console.Write(WorkloadsCommand.Table(rows));
        foreach (var warning in warnings) Console.WriteLine($"warning: {warning}");
        if (options.Text("--json") is { } path)
        {
            var settings = new Dictionary<string, string>
            {
                ["messages"] = $"{messages}", ["clients"] = $"{clients}", ["idle_samples"] = $"{idle}",
                ["modes"] = string.Join(',', modes.Select(m => m.Name)),
            };
            JsonReport.Write(path, "replication", settings, rows);
        }

        return warnings.Count == 0 && rows.All(r => r.Errors == 0) ? 0 : 1;
    }
}
