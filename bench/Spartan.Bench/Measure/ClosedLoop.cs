using System.Diagnostics;
using Spartan.Bench.Client;
using Spartan.Bench.Server;

namespace Spartan.Bench.Measure;

/// <summary>One operation of a phase: returns how many messages it moved; 0 means the queue is empty (the worker stops).</summary>
internal delegate Task<int> Operation(QueueClient client, CancellationToken ct);

/// <summary>Closed loop: every client runs one operation at a time, taking tickets until <c>maxOps</c> are taken or
/// <c>cap</c> has passed; in-flight operations get a 10 s grace after the cap. Latency is per operation.</summary>
internal static class ClosedLoop
{
    private static readonly TimeSpan Grace = TimeSpan.FromSeconds(10);
    private const int ErrorLimit = 100;

    public static async Task<PhaseResult> RunAsync(
        IReadOnlyList<QueueClient> clients, int serverPid, long maxOps, TimeSpan cap, Operation operation, CancellationToken ct)
    {
        using var hard = CancellationTokenSource.CreateLinkedTokenSource(ct);
        hard.CancelAfter(cap + Grace);
        long tickets = 0, messages = 0, ops = 0, errors = 0;
        var capped = 0;
        string? firstError = null;
        var recorders = clients.Select(_ => new LatencyRecorder()).ToArray();

        var cpuBefore = ProcFs.CpuSeconds(serverPid);
        var switchesBefore = ProcFs.ContextSwitches(serverPid);
        var clock = Stopwatch.StartNew();
        var workers = clients.Select((client, index) => Task.Run(async () =>
        {
            var recorder = recorders[index];
            while (Interlocked.Increment(ref tickets) <= maxOps)
            {
                if (clock.Elapsed >= cap)
                {
                    Volatile.Write(ref capped, 1);
                    return;
                }

                var start = Stopwatch.GetTimestamp();
                int moved;
                try
                {
                    moved = await operation(client, hard.Token);
                }
                catch (Exception e) when (e is BenchHttpException or HttpRequestException || (e is OperationCanceledException && !hard.IsCancellationRequested))
                {
                    Interlocked.CompareExchange(ref firstError, e.Message, null);
                    if (Interlocked.Increment(ref errors) >= ErrorLimit) return;
                    continue;
                }
                catch (OperationCanceledException) when (hard.IsCancellationRequested)
                {
                    return;
                }

                if (moved == 0) return;
                recorder.Record((long)Stopwatch.GetElapsedTime(start).TotalNanoseconds);
                Interlocked.Add(ref messages, moved);
                Interlocked.Increment(ref ops);
            }
        }, CancellationToken.None)).ToArray();
        await Task.WhenAll(workers);
        var elapsed = clock.Elapsed;
        var cpuAfter = ProcFs.CpuSeconds(serverPid);
        var switchesAfter = ProcFs.ContextSwitches(serverPid);

        var latency = new LatencyRecorder();
        foreach (var recorder in recorders) latency.Merge(recorder);
        double? cpu = cpuBefore is { } b && cpuAfter is { } a ? a - b : null;
        return new PhaseResult(ops, messages, elapsed, latency, cpu, errors, firstError, capped == 1)
        {
            ContextSwitches = switchesBefore is { } sb && switchesAfter is { } sa
                ? (sa.Voluntary - sb.Voluntary, sa.Involuntary - sb.Involuntary)
                : null,
        };
    }
}
