using System.Diagnostics;
using System.Net;
using System.Text;
using Spartan.Bench.Client;
using Spartan.Bench.Measure;
using Spartan.Bench.Report;
using Spartan.Bench.Server;

namespace Spartan.Bench.Workloads;

/// <summary>Replication lag on a primary–replica pair: C clients push M messages to the primary (R1) while a probe
/// pushes markers to queue <c>lag</c> and polls the replica until it serves each one (R2: lag under load), then markers on
/// the idle pair (R3). Lag is the time from the primary's 200 to the replica's first 200 for that message. These
/// figures were asserted by end-to-end tests once (under a second); the tests now assert that the markers arrive.</summary>
internal static class ReplicationLag
{
    private static readonly TimeSpan MarkerDeadline = TimeSpan.FromSeconds(30);

    public static async Task<List<Row>> RunAsync(ReplicaPair pair, long messages, int clientCount, int idleSamples, CancellationToken ct)
    {
        using var probe = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 2, UseProxy = false }) { Timeout = TimeSpan.FromSeconds(60) };
        await pair.WaitConnectedAsync(probe, ct);
        var clients = pair.PrimaryClients(clientCount);
        try
        {
            var push = Payloads.Push(Payloads.Body(100));
            Operation operation = async (c, t) => { await c.PushAsync(push, t); return 1; };
            await ClosedLoop.RunAsync(clients, pair.Primary!.Pid, 10_000_000, TimeSpan.FromSeconds(2), operation, ct); // warm-up
            for (var i = 0; i < 20; i++) await MarkerAsync(pair, probe, ct);

            var underLoad = new LatencyRecorder();
            var replicaCpu = ProcFs.CpuSeconds(pair.Replica!.Pid);
            var load = ClosedLoop.RunAsync(clients, pair.Primary.Pid, messages, TimeSpan.FromSeconds(300), operation, ct);
            // Sampled at least once, and for as long as the load runs.
            do underLoad.Record(await MarkerAsync(pair, probe, ct));
            while (!load.IsCompleted);
            var phase = await load;
            replicaCpu = ProcFs.CpuSeconds(pair.Replica.Pid) - replicaCpu;

            var idle = new LatencyRecorder();
            for (var i = 0; i < idleSamples; i++) idle.Record(await MarkerAsync(pair, probe, ct));

            var mode = pair.Mode.Name;
            var replicaNote = replicaCpu is { } r && phase.Messages > 0 ? $"replica CPU {r * 1e6 / phase.Messages:0.0} µs/msg" : "";
            return
            [
                Progress.Show(Row.From("R1 push, with a replica", mode, phase, $"C = {clientCount}; {replicaNote}")),
                Progress.Show(LagRow("R2 lag under R1's load", mode, underLoad, phase.Elapsed)),
                Progress.Show(LagRow("R3 lag, idle pair", mode, idle, TimeSpan.Zero)),
            ];
        }
        finally
        {
            foreach (var client in clients) client.Dispose();
        }
    }

    private static Row LagRow(string name, string mode, LatencyRecorder lag, TimeSpan elapsed) =>
        new(name, mode, lag.Count, elapsed.TotalSeconds, double.NaN, lag.QuantileMs(0.50), lag.QuantileMs(0.99), null, 0,
            $"markers; max {MarkdownTable.Ms(lag.QuantileMs(1))} ms; primary's 200 → replica serves it");

    /// <summary>Pushes a marker to the primary and polls the replica (every 1 ms) until it serves it; nanoseconds from
    /// the primary's answer to the replica's first 200.</summary>
    private static async Task<long> MarkerAsync(ReplicaPair pair, HttpClient http, CancellationToken ct)
    {
        using var content = new ByteArrayContent(Payloads.Push("marker"));
        content.Headers.ContentType = new("application/json");
        using var push = await http.PostAsync(new Uri(pair.PrimaryAddress, ReplicaPair.LagQueue), content, ct);
        var bytes = await push.Content.ReadAsByteArrayAsync(ct);
        if (push.StatusCode != HttpStatusCode.OK) throw new BenchHttpException("POST /lag", push.StatusCode, Encoding.UTF8.GetString(bytes));
        var acknowledged = Stopwatch.GetTimestamp();
        var id = JsonIds.TopLevelId(bytes) ?? throw new BenchHttpException("POST /lag (no id)", push.StatusCode, Encoding.UTF8.GetString(bytes));
        var where = new Uri(pair.ReplicaAddress, $"{ReplicaPair.LagQueue}/messages/{id}");
        while (Stopwatch.GetElapsedTime(acknowledged) < MarkerDeadline)
        {
            using var get = await http.GetAsync(where, ct);
            if (get.StatusCode == HttpStatusCode.OK) return (long)Stopwatch.GetElapsedTime(acknowledged).TotalNanoseconds;
            if (get.StatusCode != HttpStatusCode.NotFound)
                throw new BenchHttpException("GET /lag/messages/{id} on the replica", get.StatusCode, await get.Content.ReadAsStringAsync(ct));
            await Task.Delay(1, ct);
        }

        throw new InvalidOperationException($"the replica did not serve marker {id} within {MarkerDeadline.TotalSeconds:0} s");
    }
}
