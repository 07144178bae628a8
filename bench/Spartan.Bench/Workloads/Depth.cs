using System.Diagnostics;
using Spartan.Bench.Client;
using Spartan.Bench.Measure;
using Spartan.Bench.Report;
using Spartan.Bench.Server;

namespace Spartan.Bench.Workloads;

/// <summary>W4 (pop latency at growing queue depths, 10% of the messages delayed) and W5 (server memory per stored
/// message), on one server whose queue is filled step by step to the deepest depth.</summary>
internal static class Depth
{
    private const int DelayEvery = 10;
    private const int Refill = 100;
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(1);

    public static async Task<List<Row>> RunAsync(Session session, Sizes sizes, CancellationToken ct)
    {
        var rows = new List<Row>();
        await Steps.WarmUpAsync(session, sizes.BodyBytes, ct);
        await Task.Delay(Settle, ct);
        var rssBefore = ProcFs.RssBytes(session.Server.Pid);

        var fills = new List<PhaseResult>();
        long stored = 0;
        foreach (var depth in sizes.Depths)
        {
            fills.Add(await Steps.FillAsync(session, depth - stored, sizes.BodyBytes, DelayEvery, ct));
            stored = depth;
            var phase = await SampleAsync(session, sizes, ct);
            var check = await Steps.CheckSizeAsync(session, stored, ct);
            rows.Add(Progress.Show(Row.From($"W4 pop @{Short(depth)}", session.Mode.Name, phase,
                Throughput.Join("1 client; latency of the pop alone; msg/s and CPU include delete + refill", check))));
        }

        await Task.Delay(Settle, ct);
        var rssAfter = ProcFs.RssBytes(session.Server.Pid);
        rows.Add(Progress.Show(MemoryRow(session, stored, fills, rssBefore, rssAfter)));
        return rows;
    }

    /// <summary>Single pops by one client, each message deleted at once; every 100 pops a batch of 100 visible messages
    /// is pushed back so the depth stays put. Only the pop is timed.</summary>
    private static async Task<PhaseResult> SampleAsync(Session session, Sizes sizes, CancellationToken ct)
    {
        var client = session.Clients[0];
        var body = Payloads.Body(sizes.BodyBytes);
        var refill = Payloads.Batch(body, Refill);
        var latency = new LatencyRecorder();
        var pid = session.Server.Pid;
        var cpuBefore = ProcFs.CpuSeconds(pid);
        var clock = Stopwatch.StartNew();
        var popped = 0;
        var owed = 0;
        while (popped < sizes.LatencySamples && clock.Elapsed < sizes.PhaseCap)
        {
            var start = Stopwatch.GetTimestamp();
            var id = await client.PopAsync(ct) ?? throw new InvalidOperationException("W4: no visible message left to pop");
            latency.Record((long)Stopwatch.GetElapsedTime(start).TotalNanoseconds);
            await client.DeleteAsync(id, ct);
            popped++;
            if (++owed < Refill) continue;
            await client.PushBatchAsync(refill, ct);
            owed = 0;
        }

        if (owed > 0) await client.PushBatchAsync(Payloads.Batch(body, owed), ct);
        var elapsed = clock.Elapsed;
        double? cpu = ProcFs.CpuSeconds(pid) is { } after && cpuBefore is { } before ? after - before : null;
        return new PhaseResult(popped, popped, elapsed, latency, cpu, 0, null, popped < sizes.LatencySamples);
    }

    private static Row MemoryRow(Session session, long stored, List<PhaseResult> fills, long? rssBefore, long? rssAfter)
    {
        var latency = new LatencyRecorder();
        foreach (var fill in fills) latency.Merge(fill.Latency);
        var seconds = fills.Sum(f => f.Elapsed.TotalSeconds);
        var cpu = fills.All(f => f.ServerCpuSeconds is not null) ? fills.Sum(f => f.ServerCpuSeconds!.Value) : (double?)null;
        var notes = new List<string>();
        if (rssBefore is { } b && rssAfter is { } a)
            notes.Add($"RSS {b / 1048576.0:0} → {a / 1048576.0:0} MB = {(a - b) / (double)stored:0} B/msg");
        if (session.Mode.Persists) notes.Add($"on disk {session.Folder.Bytes() / 1048576.0:0} MB");
        notes.Add("msg/s, latency (per batch of 100) and CPU of the fill");
        return new Row("W5 memory", session.Mode.Name, stored, seconds, stored / seconds, latency.QuantileMs(0.5),
            latency.QuantileMs(0.99), cpu is { } c ? c * 1e6 / stored : null, 0, string.Join("; ", notes));
    }

    public static string Short(long n) => n switch
    {
        >= 1_000_000 when n % 1_000_000 == 0 => $"{n / 1_000_000}M",
        >= 1_000 when n % 1_000 == 0 => $"{n / 1_000}k",
        _ => n.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };
}
