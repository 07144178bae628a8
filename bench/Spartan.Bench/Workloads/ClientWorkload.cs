using System.Diagnostics;
using Spartan.Bench.Report;
using Spartan.Bench.Server;
using Spartan.Client;

namespace Spartan.Bench.Workloads;

/// <summary>CL1/CL2: the peers' W1 and W2 through <see cref="SpartanClient"/>. P producers each push their share of M
/// 100-byte messages, keeping up to W <c>PushAsync</c> calls in flight (W = 1: each awaited before the next); the client
/// batches what is in flight together. Then C consumers each run <c>ConsumeAsync</c> (prefetch by batch pop, long poll)
/// and <c>DeleteAsync</c> every message (deletes batched with their receipts), again with up to W deletes in flight each,
/// until M are deleted. Each window runs both phases in the same session. Server CPU from /proc, as for every other
/// workload.</summary>
internal static class ClientWorkload
{
    public const int BodyBytes = 100;
    private const int WarmUp = 20_000;

    public static async Task<List<Row>> RunAsync(Session session, long messages, int producers, int consumers,
        IReadOnlyList<int> windows, CancellationToken ct)
    {
        var body = new string('x', BodyBytes);
        await using var client = new SpartanClient(new SpartanClientOptions { BaseAddress = session.Address });
        // Warm-up, off the record, as the peers are warmed (the issue's figures: 20,000 messages): every path the phases
        // take, so that tiered compilation has finished by then (with 2,000, a profile of the measured phase still found
        // a fifth of the server's CPU in the JIT's background compiles).
        foreach (var window in windows)
        {
            await ProduceAsync(client, WarmUp, producers, window, body, ct);
            await ConsumeAsync(client, WarmUp, consumers, window, ct);
        }
        // The warm-up's consumers were cancelled in the middle of long polls; a poll still parked on the server until it
        // notices the abort would take (and lose) the first message pushed next. Their 1 s waits end within this pause.
        await Task.Delay(TimeSpan.FromSeconds(1.5), ct);

        var rows = new List<Row>();
        foreach (var window in windows)
        {
            var produce = await MeasureAsync(session, () => ProduceAsync(client, messages, producers, window, body, ct));
            rows.Add(Row(session, $"CL1 produce ({producers} producers, {InFlight(window, "PushAsync")})", messages, produce,
                await Steps.CheckSizeAsync(session, messages, ct)));
            var consume = await MeasureAsync(session, () => ConsumeAsync(client, messages, consumers, window, ct));
            rows.Add(Row(session, $"CL2 consume ({consumers} consumers, prefetch {Prefetch(window)}, {InFlight(window, "DeleteAsync")})",
                messages, consume, await Steps.CheckSizeAsync(session, 0, ct)));
        }

        return rows;
    }

    private static async Task<Phase> MeasureAsync(Session session, Func<Task> phase)
    {
        using var http = new HttpClient();
        var requestsBefore = await Metrics.SumAsync(http, session.Address, RequestsMetric, CancellationToken.None);
        var cpuBefore = ProcFs.CpuSeconds(session.Server.Pid);
        var clock = Stopwatch.StartNew();
        await phase();
        var elapsed = clock.Elapsed;
        var cpuAfter = ProcFs.CpuSeconds(session.Server.Pid);
        // Less the one scrape of the reading before (counted once the answer went out).
        var requests = await Metrics.SumAsync(http, session.Address, RequestsMetric, CancellationToken.None) - requestsBefore - 1;
        return new(elapsed, cpuBefore is { } b && cpuAfter is { } a ? a - b : null, requests);
    }

    private const string RequestsMetric = "spartan_http_requests_total";

    /// <summary>A measured phase: its wall time, the server's CPU time, and the HTTP requests the server answered.</summary>
    private readonly record struct Phase(TimeSpan Elapsed, double? CpuSeconds, double Requests);

    private static string InFlight(int window, string call) => window == 1 ? $"one {call} at a time" : $"{window} {call} in flight each";

    /// <summary>One batch pop fills a window's worth of deletes (at most a batch of 100); awaited one at a time, 10.</summary>
    private static int Prefetch(int window) => window == 1 ? 10 : Math.Min(window, 100);

    private static Task ProduceAsync(SpartanClient client, long messages, int producers, int window, string body, CancellationToken ct)
    {
        long tickets = 0;
        return Task.WhenAll(Enumerable.Range(0, producers).Select(_ => Task.Run(async () =>
        {
            var inFlight = new Queue<Task>(window);
            while (Interlocked.Increment(ref tickets) <= messages)
            {
                if (inFlight.Count == window) await inFlight.Dequeue();
                inFlight.Enqueue(client.PushAsync(ServerMode.Queue, body, ct));
            }

            while (inFlight.TryDequeue(out var push)) await push;
        }, ct)));
    }

    private static async Task ConsumeAsync(SpartanClient client, long messages, int consumers, int window, CancellationToken ct)
    {
        long deleted = 0;
        using var done = CancellationTokenSource.CreateLinkedTokenSource(ct);
        done.CancelAfter(TimeSpan.FromMinutes(5)); // a bound, should a message go missing
        // A short reservation (the consumer extends it while a message is handled), so that a message taken by a poll
        // whose answer was lost to a cancellation comes back in seconds rather than after the queue's 600 s.
        var options = new ConsumeOptions
        {
            Prefetch = Prefetch(window), Wait = TimeSpan.FromSeconds(1), VisibilityTimeout = TimeSpan.FromSeconds(10),
        };
        var workers = Enumerable.Range(0, consumers).Select(_ => Task.Run(async () =>
        {
            var inFlight = new Queue<Task>(window);
            try
            {
                await foreach (var message in client.ConsumeAsync(ServerMode.Queue, options, done.Token))
                {
                    if (inFlight.Count == window) await inFlight.Dequeue();
                    inFlight.Enqueue(DeleteAsync(message));
                }

                while (inFlight.TryDequeue(out var delete)) await delete;
            }
            catch (OperationCanceledException) when (done.IsCancellationRequested)
            {
                // every message deleted (or the bound reached: the size check says which)
            }
        }, ct));
        await Task.WhenAll(workers);

        async Task DeleteAsync(ReceivedMessage message)
        {
            await client.DeleteAsync(message, done.Token);
            if (Interlocked.Increment(ref deleted) >= messages) await done.CancelAsync();
        }
    }

    private static Row Row(Session session, string workload, long messages, Phase phase, string check) =>
        new($"{workload}: {messages / Math.Max(1, phase.Requests):0.#} msg/request", session.Mode.Name, messages, phase.Elapsed.TotalSeconds, messages / phase.Elapsed.TotalSeconds, null, null,
            phase.CpuSeconds is { } cpu ? cpu * 1e6 / messages : null, 0, check);
}
