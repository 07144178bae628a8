using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Spartan.Bench.Server;

namespace Spartan.Bench.Workloads;

/// <summary>F1: failover under write load. W writers push in a closed loop to whichever node leads (a 503 <c>Not
/// primary</c> sends them where <c>Spartan-Leader</c> points; an unreachable node, to the next); each round SIGKILLs the
/// primary and measures the time to the new leader (as <c>/_/cluster</c> says) and to the first acknowledgement of a
/// push started after the kill, and how many push attempts failed in between; then the old primary is restarted and rejoins. At the end, every push
/// ever acknowledged is looked for in the leader's folder (<c>spartan dump</c>).</summary>
internal static class Failover
{
    /// <summary>One kill: who led, who took over, and what the writers saw.</summary>
    public sealed record Round(int Number, string From, string To, long EpochFrom, long EpochTo, double ElectedSeconds,
        double WritesBackSeconds, int FailedAttempts, int AcknowledgedBefore);

    public static async Task<(List<Round> Rounds, int Acknowledged, int Lost)> RunAsync(FailoverCluster cluster, int rounds,
        int writers, CancellationToken ct)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var (leader, epoch) = await WaitLeaderAsync(cluster, http, 0, TimeSpan.FromSeconds(60), ct);
        using var load = new Writers(cluster);
        load.Start(writers);
        var results = new List<Round>();
        try
        {
            for (var round = 1; round <= rounds; round++)
            {
                await Task.Delay(TimeSpan.FromSeconds(2), ct); // steady load on the current primary
                var before = load.Acknowledged.Count;
                var killed = Stopwatch.GetTimestamp();
                await leader.KillAsync();
                var (next, nextEpoch) = await WaitLeaderAsync(cluster, http, epoch, TimeSpan.FromSeconds(60), ct);
                var elected = Stopwatch.GetElapsedTime(killed).TotalSeconds;
                while (load.FirstSuccessAfter(killed) is null)
                {
                    if (Stopwatch.GetElapsedTime(killed) > TimeSpan.FromSeconds(60)) throw new TimeoutException("no write acknowledged 60 s after the kill");
                    await Task.Delay(5, ct);
                }

                var back = load.FirstSuccessAfter(killed)!.Value;
                results.Add(new Round(round, leader.Name, next.Name, epoch, nextEpoch, elected,
                    Stopwatch.GetElapsedTime(killed, back).TotalSeconds, load.FailuresBetween(killed, back), before));
                Progress.Say($"round {round}: {leader.Name} killed; {next.Name} leads epoch {nextEpoch} after {elected:0.00} s, " +
                             $"writes back after {results[^1].WritesBackSeconds:0.00} s");
                await leader.StartAsync(ct);
                (leader, epoch) = (next, nextEpoch);
            }
        }
        finally
        {
            await load.StopAsync();
        }

        await Task.Delay(TimeSpan.FromSeconds(3), ct); // the restarted node catches up; the leader's folder is what counts
        var held = await HeldAsync(leader, ct);
        return (results, load.Acknowledged.Count, load.Acknowledged.Keys.Count(id => !held.Contains(id)));
    }

    private static async Task<(FailoverCluster.Node, long)> WaitLeaderAsync(FailoverCluster cluster, HttpClient http, long after,
        TimeSpan deadline, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < deadline)
        {
            if (await cluster.LeaderAsync(http, after, ct) is { } found) return found;
            await Task.Delay(20, ct);
        }

        throw new TimeoutException($"no leader with an epoch above {after} within {deadline.TotalSeconds} s");
    }

    /// <summary>The ids of the messages in the leader's folder, read by <c>spartan dump</c>.</summary>
    private static async Task<HashSet<string>> HeldAsync(FailoverCluster.Node leader, CancellationToken ct)
    {
        var info = new ProcessStartInfo(ServerProcess.Binary) { WorkingDirectory = leader.Folder.Path, RedirectStandardOutput = true };
        foreach (var arg in new[] { "dump", "--json", "--queue", ServerMode.Queue }) info.ArgumentList.Add(arg);
        using var dump = Process.Start(info) ?? throw new InvalidOperationException("spartan dump did not start");
        var ids = new HashSet<string>(StringComparer.Ordinal);
        while (await dump.StandardOutput.ReadLineAsync(ct) is { } line)
            ids.Add(JsonDocument.Parse(line).RootElement.GetProperty("id").GetString()!);
        await dump.WaitForExitAsync(ct);
        return ids;
    }

    /// <summary>Closed-loop pushers that find the primary as an application would, and remember every attempt.</summary>
    private sealed class Writers(FailoverCluster cluster) : IDisposable
    {
        // Timestamps of each attempt's start and answer: only an attempt started after the kill says the new primary answers.
        private readonly ConcurrentQueue<(long Start, long End, bool Ok)> _attempts = new();
        private readonly CancellationTokenSource _stop = new();
        private Task _running = Task.CompletedTask;

        public ConcurrentDictionary<string, byte> Acknowledged { get; } = new(StringComparer.Ordinal);

        public void Start(int count) =>
            _running = Task.WhenAll(Enumerable.Range(0, count).Select(w => Task.Run(() => WriteAsync(w))));

        public async Task StopAsync()
        {
            await _stop.CancelAsync();
            await _running;
        }

        public void Dispose() => _stop.Dispose();

        /// <summary>When the first push started after <paramref name="at"/> was acknowledged, or null.</summary>
        public long? FirstSuccessAfter(long at) =>
            _attempts.Where(a => a.Ok && a.Start > at).Select(a => (long?)a.End).Min();

        /// <summary>Failed attempts started in (<paramref name="from"/>, <paramref name="to"/>].</summary>
        public int FailuresBetween(long from, long to) => _attempts.Count(a => !a.Ok && a.Start > from && a.Start <= to);

        private async Task WriteAsync(int writer)
        {
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
            var next = writer;
            var target = cluster.Nodes[next % cluster.Nodes.Count].Address;
            while (!_stop.IsCancellationRequested)
            {
                Uri? leader = null;
                var ok = false;
                var start = Stopwatch.GetTimestamp();
                try
                {
                    using var answer = await http.PostAsync(new Uri(target, ServerMode.Queue), new StringContent("""{"body":"failover"}"""), _stop.Token);
                    if (answer.StatusCode == HttpStatusCode.OK)
                    {
                        Acknowledged[(await answer.Content.ReadFromJsonAsync<JsonElement>(_stop.Token)).GetProperty("id").GetString()!] = 0;
                        ok = true;
                    }
                    else if (answer.Headers.TryGetValues("Spartan-Leader", out var named))
                    {
                        leader = new Uri(named.First() + "/");
                    }
                }
                catch (Exception error) when (error is HttpRequestException or TaskCanceledException && !_stop.IsCancellationRequested)
                {
                    // unreachable or too slow: the outcome is unknown, and it is not counted as acknowledged
                }
                catch (OperationCanceledException)
                {
                    return;
                }

                _attempts.Enqueue((start, Stopwatch.GetTimestamp(), ok));
                if (ok) continue;
                target = leader ?? cluster.Nodes[++next % cluster.Nodes.Count].Address;
                if (leader is null)
                {
                    try
                    {
                        await Task.Delay(20, _stop.Token);
                    }
                    catch (OperationCanceledException)
                    {
                        return;
                    }
                }
            }
        }
    }
}
