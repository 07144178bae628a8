using System.Globalization;
using System.Text;
using Spartan.Bench.Cli;
using Spartan.Bench.Report;
using Spartan.Bench.Workloads;

namespace Spartan.Bench.Commands;

/// <summary><c>failover</c>: how long a cluster takes to acknowledge writes again after its primary dies (SPEC §13).</summary>
internal static class FailoverCommand
{
    public const string Help = """
        failover [--rounds R] [--writers W] [--ttl S] [--ack local|replica] [--json FILE]
          F1: a real etcd (Debian's etcd-server, /usr/bin/etcd) and three nodes (log, fsync always) in one cluster; W
          writers push in a closed loop to whichever node leads, following Spartan-Leader. Each round SIGKILLs the
          primary, then reports the seconds to the new leader (as /_/cluster says) and to the first push it
          acknowledges, and the push attempts that failed meanwhile; the killed node is restarted and rejoins. At the end
          every acknowledged push is looked for in the leader's folder. Defaults: R = 5, W = 4, ttl 3, ack replica.
        """;

    public static TimeSpan HardLimit(Options options) => TimeSpan.FromMinutes(15);

    public static async Task<int> RunAsync(Options options, CancellationToken ct)
    {
        var rounds = options.Int("--rounds", 5, 1, 100);
        var writers = options.Int("--writers", 4, 1, 64);
        var ttl = options.Int("--ttl", 3, 2, 60);
        var ack = options.Text("--ack") ?? "replica";
        if (ack is not ("local" or "replica")) throw new ArgumentException($"--ack: expected local or replica, got \"{ack}\"");

        List<Failover.Round> results;
        int acknowledged, lost;
        await using (var cluster = await FailoverCluster.StartAsync(ttl, ack, ct))
        {
            Progress.Say($"etcd {cluster.Etcd.ClientUrl}, nodes {string.Join(", ", cluster.Nodes.Select(n => n.Address))}; ttl {ttl} s, ack {ack}");
            (results, acknowledged, lost) = await Failover.RunAsync(cluster, rounds, writers, ct);
        }

        Console.WriteLine();
        Console.WriteLine($"Failover: 3 nodes, log + fsync always, ttl {ttl} s, ack = \"{ack}\", {writers} writers, {rounds} SIGKILLs of the primary");
        Console.WriteLine();
        Console.Write(Table(results));
        var elected = Median(results.Select(r => r.ElectedSeconds));
        var back = Median(results.Select(r => r.WritesBackSeconds));
        Console.WriteLine();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"median: new leader after {elected:0.00} s, writes acknowledged again after {back:0.00} s (bound: ttl + 5 = {ttl + 5} s); " +
            $"max {results.Max(r => r.WritesBackSeconds):0.00} s"));
        Console.WriteLine($"acknowledged pushes: {acknowledged}, missing from the leader's folder: {lost}");
        if (options.Text("--json") is { } path)
        {
            var settings = new Dictionary<string, string>
            {
                ["rounds"] = $"{rounds}", ["writers"] = $"{writers}", ["ttl"] = $"{ttl}", ["ack"] = ack,
                ["acknowledged"] = $"{acknowledged}", ["lost"] = $"{lost}",
            };
            JsonReport.Write(path, "failover", settings, results);
        }

        return lost == 0 || ack == "local" ? 0 : 1;
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count == 0 ? double.NaN : sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
    }

    private static string Table(IReadOnlyList<Failover.Round> rounds)
    {
        var text = new StringBuilder();
        text.AppendLine("| round | killed | new leader | epoch | leader after s | writes back after s | failed attempts | acknowledged before |");
        text.AppendLine("|--:|---|---|--:|--:|--:|--:|--:|");
        foreach (var r in rounds)
            text.AppendLine(CultureInfo.InvariantCulture,
                $"| {r.Number} | {r.From} | {r.To} | {r.EpochFrom} → {r.EpochTo} | {r.ElectedSeconds:0.00} | {r.WritesBackSeconds:0.00} | {r.FailedAttempts} | {r.AcknowledgedBefore} |");
        return text.ToString();
    }
}
