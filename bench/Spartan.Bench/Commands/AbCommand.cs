using Spartan.Bench.Cli;
using Spartan.Bench.Report;
using Spartan.Bench.Server;
using Spartan.Bench.Workloads;

namespace Spartan.Bench.Commands;

/// <summary><c>ab</c>: W1 (push) and W2 (pop + delete) against two builds of <c>spartan</c>, alternating, in one run, so
/// that both see the same machine at nearly the same time; reports each build's server CPU per message and B / A.</summary>
/// <remarks>Rounds alternate the order (A B, then B A, …) so that neither build always runs first (warmer disk caches,
/// a neighbour's build finishing). Every run is a fresh server in a fresh folder with the same warm-up.</remarks>
internal static class AbCommand
{
    public const string Help = """
        ab --a PATH --b PATH [--label-a NAME] [--label-b NAME] [--rounds R] [--modes memory,log-always]
           [--messages M] [--clients C] [--json FILE]
          W1 push and W2 pop + delete (each after the workloads warm-up) on a fresh server of build A, then of build B
          (the order alternates per round), per mode, R rounds. PATH is a `spartan` apphost. Reports server CPU µs/msg
          and msg/s per run, their medians per build, and B / A. Defaults: R = 2, modes memory,log-always, M = 50000, C = 16.
        """;

    public static TimeSpan HardLimit(Options options) =>
        TimeSpan.FromMinutes(10 + (options.Long("--rounds", 2, 1, 20) * 2 * 4 * 8));

    public static async Task<int> RunAsync(Options options, CancellationToken ct)
    {
        var builds = new[]
        {
            new Build(options.Text("--label-a") ?? "A", Binary(options, "--a")),
            new Build(options.Text("--label-b") ?? "B", Binary(options, "--b")),
        };
        var rounds = options.Int("--rounds", 2, 1, 20);
        var clients = options.Int("--clients", 16, 1, 1024);
        var sizes = Sizes.Quick(options.Long("--messages", 50_000, 100, 10_000_000), clients) with { PhaseCap = TimeSpan.FromSeconds(120) };
        var modes = (options.Text("--modes") ?? "memory,log-always")
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(ServerMode.Parse).Distinct().ToList();

        var runs = new List<AbRun>();
        var warnings = new List<string>();
        for (var round = 1; round <= rounds; round++)
        {
            var order = round % 2 == 1 ? builds : [builds[1], builds[0]];
            foreach (var mode in modes)
            foreach (var build in order)
            {
                await using var session = await Session.StartAsync(mode, clients, build.Binary, ct);
                Progress.Say($"round {round}, {mode.Name}, build {build.Label}: server {session.Server.Pid}");
                foreach (var row in await Throughput.RunSinglesAsync(session, sizes, ct)) runs.Add(new AbRun(round, build.Label, row));
                await session.StopServerAsync();
                warnings.AddRange(session.Warnings);
            }
        }

        Console.WriteLine();
        Console.WriteLine($"A/B: A = {builds[0].Label} ({builds[0].Binary}), B = {builds[1].Label} ({builds[1].Binary}); " +
                          $"{rounds} rounds, M = {sizes.Messages}, C = {clients}, {sizes.BodyBytes}-byte bodies");
        Console.WriteLine();
        Console.Write(AbReport.Runs(runs));
        Console.WriteLine();
        Console.Write(AbReport.Summary(runs, builds[0].Label, builds[1].Label));
        foreach (var warning in warnings) Console.WriteLine($"warning: {warning}");
        if (options.Text("--json") is { } path)
        {
            var settings = new Dictionary<string, string>
            {
                ["a"] = $"{builds[0].Label}={builds[0].Binary}", ["b"] = $"{builds[1].Label}={builds[1].Binary}",
                ["rounds"] = $"{rounds}", ["messages"] = $"{sizes.Messages}", ["clients"] = $"{clients}",
                ["modes"] = string.Join(',', modes.Select(m => m.Name)),
            };
            JsonReport.Write(path, "ab", settings, runs);
        }

        return warnings.Count == 0 && runs.All(r => r.Row.Errors == 0) ? 0 : 1;
    }

    private static string Binary(Options options, string name)
    {
        var path = options.Text(name) ?? throw new ArgumentException($"{name} PATH is required");
        var full = Path.GetFullPath(path);
        if (!File.Exists(full)) throw new ArgumentException($"{name}: no file at {full}");
        return full;
    }

    private sealed record Build(string Label, string Binary);
}

/// <summary>One server run of an A/B comparison.</summary>
internal sealed record AbRun(int Round, string Build, Row Row);
