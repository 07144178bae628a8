using Spartan.Bench.Cli;
using Spartan.Bench.Report;
using Spartan.Bench.Server;
using Spartan.Bench.Workloads;

namespace Spartan.Bench.Commands;

/// <summary><c>floor</c>: spartan's single-message routes against the least an ASP.NET Core server can do for them
/// (<c>bench/Spartan.Floor</c>), alternating servers in one run; reports server CPU per message and spartan / floor.</summary>
/// <remarks>The order of the servers rotates every round, so that none always runs first. Every run is a fresh server
/// (spartan in memory mode) with the same warm-up. Several spartan builds may be given (e.g. before and after a change):
/// each is compared with the floor runs of the same rounds.</remarks>
internal static class FloorCommand
{
    public const string Help = """
        floor [--spartan LABEL=PATH,…] [--floor PATH] [--rounds R] [--messages M] [--clients C] [--json FILE]
          The request path against a floor: bench/Spartan.Floor, a minimal API with spartan's push, pop and delete routes
          and JSON shapes over a ConcurrentQueue (no checks, no commit loop, no persistence), and spartan in memory mode,
          one fresh server after the other (order rotating per round). On each: warm-up, then C clients push M messages
          (POST /bench), then pop + delete them (GET /bench, DELETE /bench {"id"}). Reports server CPU µs/msg, msg/s and
          context switches per phase, each spartan build / floor per round and of the medians. PATH of --spartan is a
          `spartan` apphost (default: the bench's own, label "spartan"). Defaults: R = 3, M = 50000, C = 16.
        """;

    private static readonly TimeSpan PhaseCap = TimeSpan.FromSeconds(120);

    /// <summary>Per server and round: start, warm-up (≤ 15 s), two phases at their cap plus grace, stop.</summary>
    public static TimeSpan HardLimit(Options options) =>
        TimeSpan.FromMinutes(5) + options.Int("--rounds", 3, 1, 50) * (1 + Spartans(options).Count)
        * (2 * (PhaseCap + TimeSpan.FromSeconds(10)) + TimeSpan.FromMinutes(2));

    public static async Task<int> RunAsync(Options options, CancellationToken ct)
    {
        var rounds = options.Int("--rounds", 3, 1, 50);
        var clients = options.Int("--clients", 16, 1, 1024);
        var messages = options.Long("--messages", 50_000, 100, 10_000_000);
        var floor = new Server("floor", Binary(options.Text("--floor") ?? Path.Combine(AppContext.BaseDirectory, "spartan-floor"), "--floor"), true);
        var servers = new List<Server> { floor };
        servers.AddRange(Spartans(options));

        var runs = new List<FloorRun>();
        var warnings = new List<string>();
        for (var round = 1; round <= rounds; round++)
        {
            // Rotate: round 1 starts with the floor, round 2 with the next server, and so on.
            var order = servers.Skip((round - 1) % servers.Count).Concat(servers.Take((round - 1) % servers.Count));
            foreach (var server in order)
            {
                await using var session = await Session.StartAsync(ServerMode.Memory, clients, server.Binary, ct);
                Progress.Say($"round {round}, {server.Label}: server {session.Server.Pid}");
                runs.Add(await FloorVsSpartan.RunAsync(session, server.Label, server.IsFloor, round, messages, PhaseCap, ct));
                await session.StopServerAsync();
                warnings.AddRange(session.Warnings);
            }
        }

        Console.WriteLine();
        Console.WriteLine($"Floor: {string.Join(", ", servers.Select(s => $"{s.Label} = {s.Binary}"))}; spartan in memory mode; " +
                          $"{rounds} rounds, M = {messages}, C = {clients}, {FloorVsSpartan.BodyBytes}-byte bodies");
        Console.WriteLine();
        Console.Write(FloorReport.Runs(runs));
        Console.WriteLine();
        Console.Write(FloorReport.Summary(runs, floor.Label));
        foreach (var warning in warnings) Console.WriteLine($"warning: {warning}");
        if (options.Text("--json") is { } path)
        {
            var settings = new Dictionary<string, string>
            {
                ["servers"] = string.Join(',', servers.Select(s => $"{s.Label}={s.Binary}")),
                ["rounds"] = $"{rounds}", ["messages"] = $"{messages}", ["clients"] = $"{clients}",
                ["body_bytes"] = $"{FloorVsSpartan.BodyBytes}", ["mode"] = ServerMode.Memory.Name,
            };
            JsonReport.Write(path, "floor", settings, runs);
        }

        return warnings.Count == 0 && runs.All(r => r.Push.Errors == 0 && r.PopDelete.Errors == 0
                                                     && r.Push.Note.Length == 0 && r.PopDelete.Note.Length == 0) ? 0 : 1;
    }

    private static List<Server> Spartans(Options options)
    {
        if (options.Text("--spartan") is not { } list) return [new Server("spartan", ServerProcess.Binary, false)];
        var servers = new List<Server>();
        foreach (var item in list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var equals = item.IndexOf('=');
            var (label, path) = equals > 0 ? (item[..equals], item[(equals + 1)..]) : ($"spartan{servers.Count + 1}", item);
            if (label == "floor" || servers.Any(s => s.Label == label))
                throw new ArgumentException($"--spartan: label \"{label}\" is taken");
            servers.Add(new Server(label, Binary(path, "--spartan"), false));
        }

        return servers.Count > 0 ? servers : throw new ArgumentException("--spartan: expected LABEL=PATH,…");
    }

    private static string Binary(string path, string option)
    {
        var full = Path.GetFullPath(path);
        if (!File.Exists(full)) throw new ArgumentException($"{option}: no file at {full}");
        return full;
    }

    private sealed record Server(string Label, string Binary, bool IsFloor);
}
