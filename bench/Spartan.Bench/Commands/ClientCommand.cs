using Spartan.Bench.Cli;
using Spartan.Bench.Report;
using Spartan.Bench.Server;
using Spartan.Bench.Workloads;

namespace Spartan.Bench.Commands;

/// <summary><c>client</c>: the peers' produce and consume workloads through Spartan.Client, which batches for the user.</summary>
internal static class ClientCommand
{
    public const string Help = """
        client [--messages M] [--producers P] [--consumers C] [--windows 1,W,…] [--modes memory,…] [--json FILE]
          CL1: P producers push M 100-byte messages through Spartan.Client, each keeping up to W PushAsync calls in
          flight (W = 1: awaiting each; the client batches concurrent pushes); CL2: C consumers ConsumeAsync (long poll,
          prefetch 10 for W = 1, else min(W, 100)) and DeleteAsync each (batched with receipts, up to W in flight each)
          until M are deleted. Both phases for each W, in one session. Server CPU µs/msg and msg/s, comparable with the
          peers' W1/W2. Defaults: M = 200000, P = 16, C = 16, windows 1,64, modes memory,log-always.
        """;

    public static TimeSpan HardLimit(Options options) => TimeSpan.FromMinutes(30);

    public static async Task<int> RunAsync(Options options, CancellationToken ct)
    {
        var messages = options.Long("--messages", 200_000, 1_000, 10_000_000);
        var producers = options.Int("--producers", 16, 1, 256);
        var consumers = options.Int("--consumers", 16, 1, 256);
        var windows = options.Ints("--windows", "1,64", 1, 10_000);
        var modes = ServerMode.ParseList(options.Text("--modes") ?? ServerMode.MemoryAndLogAlways);

        var rows = new List<Row>();
        var warnings = new List<string>();
        foreach (var mode in modes)
        {
            await using var session = await Session.StartAsync(mode, 1, ct);
            Progress.Say($"{mode.Name}: server {session.Server.Pid}: M = {messages} through Spartan.Client, {producers} producers, {consumers} consumers");
            rows.AddRange(await ClientWorkload.RunAsync(session, messages, producers, consumers, windows, ct));
            await session.StopServerAsync();
            warnings.AddRange(session.Warnings);
        }

        Console.WriteLine();
        Console.WriteLine($"Spartan.Client workloads: M = {messages}, {ClientWorkload.BodyBytes}-byte bodies, {producers} producers, {consumers} consumers");
        Console.WriteLine();
        Console.Write(WorkloadsCommand.Table(rows));
        foreach (var warning in warnings) Console.WriteLine($"warning: {warning}");
        if (options.Text("--json") is { } path)
        {
            var settings = new Dictionary<string, string>
            {
                ["messages"] = $"{messages}", ["producers"] = $"{producers}", ["consumers"] = $"{consumers}",
                ["windows"] = string.Join(',', windows),
                ["modes"] = string.Join(',', modes.Select(m => m.Name)),
            };
            JsonReport.Write(path, "client", settings, rows);
        }

        return warnings.Count == 0 && rows.All(r => r.Note.Length == 0) ? 0 : 1;
    }
}
