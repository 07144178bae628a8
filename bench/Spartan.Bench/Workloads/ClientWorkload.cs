using System.Diagnostics;
using Spartan.Bench.Report;
using Spartan.Bench.Server;
using Spartan.Client;

namespace Spartan.Bench.Workloads;

/// <summary>CL1/CL2: the peers' W1 and W2 through <see cref="SpartanClient"/>. P producers each push their share of M
/// 100-byte messages one awaited <c>PushAsync</c> at a time (the client batches what is in flight together); then C
/// consumers each run <c>ConsumeAsync</c> (prefetch by batch pop, long poll) and <c>DeleteAsync</c> every message (deletes
/// batched with their receipts) until M are deleted. Server CPU from /proc, as for every other workload.</summary>
internal static class ClientWorkload
{
    public const int BodyBytes = 100;

    public static async Task<List<Row>> RunAsync(Session session, long messages, int producers, int consumers, CancellationToken ct)
    {
        var body = new string('x', BodyBytes);
        await using var client = new SpartanClient(new SpartanClientOptions { BaseAddress = session.Address });
        // Warm-up: JIT of the server's routes and of the client, off the record.
        await ProduceAsync(client, 2_000, producers, body, ct);
        await ConsumeAsync(client, 2_000, consumers, ct);
        // The warm-up's consumers were cancelled in the middle of long polls; a poll still parked on the server until it
        // notices the abort would take (and lose) the first message pushed next. Their 1 s waits end within this pause.
        await Task.Delay(TimeSpan.FromSeconds(1.5), ct);

        var rows = new List<Row>();
        var produce = await MeasureAsync(session, () => ProduceAsync(client, messages, producers, body, ct));
        rows.Add(Row(session, $"CL1 produce ({producers} producers, PushAsync)", messages, produce, await Steps.CheckSizeAsync(session, messages, ct)));
        var consume = await MeasureAsync(session, () => ConsumeAsync(client, messages, consumers, ct));
        rows.Add(Row(session, $"CL2 consume ({consumers} consumers, ConsumeAsync + DeleteAsync)", messages, consume, await Steps.CheckSizeAsync(session, 0, ct)));
        return rows;
    }

    private static async Task<(TimeSpan Elapsed, double? CpuSeconds)> MeasureAsync(Session session, Func<Task> phase)
    {
        var cpuBefore = ProcFs.CpuSeconds(session.Server.Pid);
        var clock = Stopwatch.StartNew();
        await phase();
        var elapsed = clock.Elapsed;
        var cpuAfter = ProcFs.CpuSeconds(session.Server.Pid);
        return (elapsed, cpuBefore is { } b && cpuAfter is { } a ? a - b : null);
    }

    private static Task ProduceAsync(SpartanClient client, long messages, int producers, string body, CancellationToken ct)
    {
        long tickets = 0;
        return Task.WhenAll(Enumerable.Range(0, producers).Select(_ => Task.Run(async () =>
        {
            while (Interlocked.Increment(ref tickets) <= messages)
                await client.PushAsync(ServerMode.Queue, body, ct);
        }, ct)));
    }

    private static async Task ConsumeAsync(SpartanClient client, long messages, int consumers, CancellationToken ct)
    {
        long deleted = 0;
        using var done = CancellationTokenSource.CreateLinkedTokenSource(ct);
        done.CancelAfter(TimeSpan.FromMinutes(5)); // a bound, should a message go missing
        // A short reservation (the consumer extends it while a message is handled), so that a message taken by a poll
        // whose answer was lost to a cancellation comes back in seconds rather than after the queue's 600 s.
        var options = new ConsumeOptions { Prefetch = 10, Wait = TimeSpan.FromSeconds(1), VisibilityTimeout = TimeSpan.FromSeconds(10) };
        var workers = Enumerable.Range(0, consumers).Select(_ => Task.Run(async () =>
        {
            try
            {
                await foreach (var message in client.ConsumeAsync(ServerMode.Queue, options, done.Token))
                {
                    await client.DeleteAsync(message, done.Token);
                    if (Interlocked.Increment(ref deleted) >= messages) await done.CancelAsync();
                }
            }
            catch (OperationCanceledException) when (done.IsCancellationRequested)
            {
                // every message deleted (or the bound reached: the size check says which)
            }
        }, ct));
        await Task.WhenAll(workers);
    }

    private static Row Row(Session session, string workload, long messages, (TimeSpan Elapsed, double? CpuSeconds) phase, string check) =>
        new(workload, session.Mode.Name, messages, phase.Elapsed.TotalSeconds, messages / phase.Elapsed.TotalSeconds, null, null,
            phase.CpuSeconds is { } cpu ? cpu * 1e6 / messages : null, 0, check);
}
