using Spartan.Bench.Client;
using Spartan.Bench.Measure;

namespace Spartan.Bench.Workloads;

/// <summary>Unmeasured steps shared by the workloads: warm-up, filling, emptying, checking the depth.</summary>
internal static class Steps
{
    public const int FillBatch = 100;
    private static readonly TimeSpan FillCap = TimeSpan.FromSeconds(600);

    /// <summary>Runs every route the workloads use for about 3.5 s (time for the JIT's tiering to settle), then
    /// leaves the queue empty.</summary>
    public static async Task WarmUpAsync(Session session, int bodyBytes, CancellationToken ct)
    {
        const long ceiling = 10_000_000; // the steps end on time; this only bounds the count
        var clients = session.Clients;
        var push = Payloads.Push(Payloads.Body(bodyBytes));
        var batch = Payloads.Batch(Payloads.Body(bodyBytes), 10);
        var pid = session.Server.Pid;
        await ClosedLoop.RunAsync(clients, pid, ceiling, TimeSpan.FromSeconds(1.5), async (c, t) => { await c.PushAsync(push, t); return 1; }, ct);
        await ClosedLoop.RunAsync(clients, pid, ceiling, TimeSpan.FromSeconds(1), PopDelete, ct);
        await ClosedLoop.RunAsync(clients, pid, ceiling, TimeSpan.FromSeconds(0.5), async (c, t) => { await c.PushBatchAsync(batch, t); return 10; }, ct);
        await ClosedLoop.RunAsync(clients, pid, ceiling, TimeSpan.FromSeconds(0.5), PopDeleteBatch(10), ct);
        await EmptyAsync(session, ct);
    }

    /// <summary>Pushes <paramref name="count"/> messages (rounded up to batches of 100) with C clients; every
    /// <paramref name="delayEvery"/>-th message (0: none) is delayed far beyond the run.</summary>
    public static async Task<PhaseResult> FillAsync(Session session, long count, int bodyBytes, int delayEvery, CancellationToken ct)
    {
        var batch = Payloads.Batch(Payloads.Body(bodyBytes), FillBatch, delayEvery);
        var batches = (count + FillBatch - 1) / FillBatch;
        var result = await ClosedLoop.RunAsync(session.Clients, session.Server.Pid, batches, FillCap,
            async (c, t) => { await c.PushBatchAsync(batch, t); return FillBatch; }, ct);
        if (result.Messages < count)
            throw new InvalidOperationException($"filling stopped at {result.Messages} of {count} messages: {result.FirstError}");
        return result;
    }

    public static async Task EmptyAsync(Session session, CancellationToken ct)
    {
        var client = session.Clients[0];
        await client.ClearAsync(ct);
        var size = await client.SizeAsync(ct);
        if (size != 0) throw new InvalidOperationException($"the queue holds {size} messages after clear");
    }

    /// <summary>"" when the server holds <paramref name="expected"/> messages, else a note saying what it holds.</summary>
    public static async Task<string> CheckSizeAsync(Session session, long expected, CancellationToken ct)
    {
        var size = await session.Clients[0].SizeAsync(ct);
        return size == expected ? "" : $"size {size} ≠ expected {expected}";
    }

    public static async Task<int> PopDelete(QueueClient client, CancellationToken ct)
    {
        if (await client.PopAsync(ct) is not { } id) return 0;
        await client.DeleteAsync(id, ct);
        return 1;
    }

    public static Operation PopDeleteBatch(int count) => async (client, ct) =>
    {
        var ids = await client.PopBatchAsync(count, ct);
        if (ids.Count == 0) return 0;
        await client.DeleteBatchAsync(ids, ct);
        return ids.Count;
    };
}
