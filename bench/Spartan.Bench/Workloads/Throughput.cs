using Spartan.Bench.Client;
using Spartan.Bench.Measure;
using Spartan.Bench.Report;

namespace Spartan.Bench.Workloads;

/// <summary>W1 (push), W2 (pop + delete) and W3 (the same in batches of 10 and 100), each from an empty queue, with
/// C clients in a closed loop on one server.</summary>
internal static class Throughput
{
    private static readonly int[] BatchSizes = [10, 100];

    public static async Task<List<Row>> RunAsync(Session session, Sizes sizes, CancellationToken ct)
    {
        var rows = await RunSinglesAsync(session, sizes, ct);
        var body = Payloads.Body(sizes.BodyBytes);
        foreach (var k in BatchSizes)
        {
            var batch = Payloads.Batch(body, k);
            rows.Add(await PushPhaseAsync(session, sizes, $"W3 push batch {k}", sizes.Messages / k, "latency per batch",
                async (c, t) => { await c.PushBatchAsync(batch, t); return k; }, ct));
        }

        foreach (var k in BatchSizes)
        {
            rows.Add(await PopPhaseAsync(session, sizes, $"W3 pop+delete batch {k}", sizes.Messages / k,
                "latency: batch pop + batch delete", Steps.PopDeleteBatch(k), ct));
        }

        return rows;
    }

    /// <summary>The warm-up, then W1 (push) and W2 (pop + delete): the rows an A/B run compares.</summary>
    public static async Task<List<Row>> RunSinglesAsync(Session session, Sizes sizes, CancellationToken ct)
    {
        var push = Payloads.Push(Payloads.Body(sizes.BodyBytes));
        await Steps.WarmUpAsync(session, sizes.BodyBytes, ct);
        return
        [
            await PushPhaseAsync(session, sizes, "W1 push", sizes.Messages, "",
                async (c, t) => { await c.PushAsync(push, t); return 1; }, ct),
            await PopPhaseAsync(session, sizes, "W2 pop+delete", sizes.Messages, "latency: pop + delete", Steps.PopDelete, ct),
        ];
    }

    private static async Task<Row> PushPhaseAsync(
        Session session, Sizes sizes, string name, long ops, string note, Operation push, CancellationToken ct)
    {
        var phase = await ClosedLoop.RunAsync(session.Clients, session.Server.Pid, ops, sizes.PhaseCap, push, ct);
        var check = await Steps.CheckSizeAsync(session, phase.Messages, ct);
        await Steps.EmptyAsync(session, ct);
        return Progress.Show(Row.From(name, session.Mode.Name, phase, Join(note, check)));
    }

    private static async Task<Row> PopPhaseAsync(
        Session session, Sizes sizes, string name, long ops, string note, Operation pop, CancellationToken ct)
    {
        await Steps.FillAsync(session, sizes.Messages, sizes.BodyBytes, delayEvery: 0, ct);
        var phase = await ClosedLoop.RunAsync(session.Clients, session.Server.Pid, ops, sizes.PhaseCap, pop, ct);
        var check = await Steps.CheckSizeAsync(session, sizes.Messages - phase.Messages, ct);
        await Steps.EmptyAsync(session, ct);
        return Progress.Show(Row.From(name, session.Mode.Name, phase, Join(note, check)));
    }

    internal static string Join(params string[] notes) => string.Join("; ", notes.Where(n => n.Length > 0));
}
