using Spartan.Bench.Client;
using Spartan.Bench.Measure;
using Spartan.Bench.Report;

namespace Spartan.Bench.Workloads;

/// <summary>One server of a <c>floor</c> round: the floor app or a build of spartan (in memory mode), its two phases.</summary>
internal sealed record FloorRun(int Round, string Server, bool IsFloor, Row Push, Row PopDelete);

/// <summary>The workload of <c>floor</c>: on one fresh server, C clients push M single messages (<c>POST /bench</c>),
/// then pop and delete the same M (<c>GET /bench</c> + <c>DELETE /bench {"id"}</c>). Only the routes the floor app has
/// are used (no batch routes), so the warm-up and the fill are the measured routes themselves.</summary>
internal static class FloorVsSpartan
{
    public const int BodyBytes = 100;
    private static readonly TimeSpan WarmUpPush = TimeSpan.FromSeconds(1.5);
    private static readonly TimeSpan WarmUpDrain = TimeSpan.FromSeconds(5);

    public static async Task<FloorRun> RunAsync(Session session, string server, bool isFloor, int round, long messages,
        TimeSpan cap, CancellationToken ct)
    {
        var push = Payloads.Push(Payloads.Body(BodyBytes));
        Operation pushOne = async (c, t) => { await c.PushAsync(push, t); return 1; };
        var pid = session.Server.Pid;

        // Twice: push for 1.5 s, then pop + delete until the queue is empty (time for the JIT's tiering to settle).
        const long ceiling = 10_000_000; // the steps end on time or on an empty queue; this only bounds the count
        for (var i = 0; i < 2; i++)
        {
            await ClosedLoop.RunAsync(session.Clients, pid, ceiling, WarmUpPush, pushOne, ct);
            await ClosedLoop.RunAsync(session.Clients, pid, ceiling, WarmUpDrain, Steps.PopDelete, ct);
        }

        await Steps.EmptyAsync(session, ct);

        var pushed = await ClosedLoop.RunAsync(session.Clients, pid, messages, cap, pushOne, ct);
        var afterPush = await Steps.CheckSizeAsync(session, pushed.Messages, ct);
        var pushRow = Progress.Show(Row.From("push", server, pushed, afterPush));

        var popped = await ClosedLoop.RunAsync(session.Clients, pid, pushed.Messages, cap, Steps.PopDelete, ct);
        var afterPop = await Steps.CheckSizeAsync(session, pushed.Messages - popped.Messages, ct);
        var popRow = Progress.Show(Row.From("pop+delete", server, popped, afterPop));
        await Steps.EmptyAsync(session, ct);
        return new FloorRun(round, server, isFloor, pushRow, popRow);
    }
}
