using System.Diagnostics;
using System.Net;
using Spartan.Bench.Client;
using Spartan.Bench.Measure;
using Spartan.Bench.Report;

namespace Spartan.Bench.Workloads;

/// <summary>DQ: does deleting a big queue stall the others? A runtime queue is filled with M messages; C clients push to
/// the bench queue in a closed loop; midway, <c>DELETE /_/queues/{name}</c> removes the big queue. The pushes in flight
/// while the delete ran, and in the seconds after (when the collector reclaims the messages), are compared with those
/// before it. A control phase just before, with the same queue full and nothing done midway, shows what the machine and
/// the collector do anyway.</summary>
internal static class DeleteQueue
{
    private const string Big = "big";
    private static readonly TimeSpan Before = TimeSpan.FromSeconds(1.5);
    private static readonly TimeSpan After = TimeSpan.FromSeconds(1.5);

    private readonly record struct Probe(long Start, long End);

    /// <summary>The pushes of one phase, split by the midway action: before it, in flight during it, after it.</summary>
    private sealed record Phase(LatencyRecorder Before, LatencyRecorder During, LatencyRecorder After, double ActionMs);

    public static async Task<Row[]> RunAsync(Session session, long messages, int round, CancellationToken ct)
    {
        using var admin = new HttpClient { BaseAddress = session.Address, Timeout = TimeSpan.FromSeconds(120) };
        await ExpectAsync(admin.PutAsync($"/_/queues/{Big}", null, ct), HttpStatusCode.Created);
        using (var filler = new QueueClient(session.Address, Big))
        {
            var batch = Payloads.Batch(Payloads.Body(100), Steps.FillBatch);
            for (long pushed = 0; pushed < messages; pushed += Steps.FillBatch) await filler.PushBatchAsync(batch, ct);
        }

        var control = await PhaseAsync(session, () => Task.CompletedTask, ct);
        var delete = await PhaseAsync(session, () => ExpectAsync(admin.DeleteAsync($"/_/queues/{Big}", ct), HttpStatusCode.OK), ct);
        return
        [
            Show(session, $"DQ control (queue of {messages:N0} kept), round {round}", control, "nothing done"),
            Show(session, $"DQ delete a queue of {messages:N0}, round {round}", delete, "DELETE answered"),
        ];
    }

    private static Row Show(Session session, string name, Phase phase, string action)
    {
        var worst = phase.During.QuantileMs(1);
        var p99 = phase.Before.QuantileMs(0.99);
        return Progress.Show(new Row(name, session.Mode.Name, phase.During.Count, phase.ActionMs / 1000, double.NaN,
            phase.Before.QuantileMs(0.50), p99, null, 0,
            $"{action} in {phase.ActionMs:0.0} ms; before: max {MarkdownTable.Ms(phase.Before.QuantileMs(1))} ms; in flight during it: " +
            $"{phase.During.Count}, worst {MarkdownTable.Ms(worst)} ms ({worst / p99:0.00}× p99 before); {After.TotalSeconds:0.0} s after: " +
            $"p99 {MarkdownTable.Ms(phase.After.QuantileMs(0.99))} ms, max {MarkdownTable.Ms(phase.After.QuantileMs(1))} ms"));
    }

    /// <summary>C clients push to the bench queue for <see cref="Before"/>, then <paramref name="action"/> runs, then they
    /// go on for <see cref="After"/>.</summary>
    private static async Task<Phase> PhaseAsync(Session session, Func<Task> action, CancellationToken ct)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var body = Payloads.Push(Payloads.Body(100));
        var probes = session.Clients.Select(client => Task.Run(async () =>
        {
            var seen = new List<Probe>(8192);
            while (!stop.IsCancellationRequested)
            {
                var start = Stopwatch.GetTimestamp();
                try
                {
                    await client.PushAsync(body, stop.Token);
                }
                catch (OperationCanceledException) when (stop.IsCancellationRequested)
                {
                    break;
                }

                seen.Add(new Probe(start, Stopwatch.GetTimestamp()));
            }

            return seen;
        }, ct)).ToArray();

        await Task.Delay(Before, ct);
        var actionStart = Stopwatch.GetTimestamp();
        await action();
        var actionEnd = Stopwatch.GetTimestamp();
        await Task.Delay(After, ct);
        await stop.CancelAsync();
        var all = await Task.WhenAll(probes);
        await session.Clients[0].ClearAsync(ct);

        var phase = new Phase(new LatencyRecorder(), new LatencyRecorder(), new LatencyRecorder(),
            Stopwatch.GetElapsedTime(actionStart, actionEnd).TotalMilliseconds);
        foreach (var (start, end) in all.SelectMany(p => p))
        {
            var latency = (long)Stopwatch.GetElapsedTime(start, end).TotalNanoseconds;
            (end < actionStart ? phase.Before : start <= actionEnd ? phase.During : phase.After).Record(latency);
        }

        return phase;
    }

    private static async Task ExpectAsync(Task<HttpResponseMessage> request, HttpStatusCode expected)
    {
        using var response = await request;
        if (response.StatusCode != expected)
            throw new InvalidOperationException($"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri}: {response.StatusCode}");
    }
}
