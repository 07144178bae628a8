using Microsoft.Extensions.Logging;
using Spartan.Replication.Protocol;

namespace Spartan.Replication.Replica;

// After authentication (ADR 0012): the replica tells its primary what it holds, checks the primary's plan — a stale
// primary is refused, a plan that would keep an event of another history too — and acts on it through the commit loop:
// records the primary's history, drops a divergent suffix, or waits for a full snapshot. Runs on the session's task,
// holding the streaming lock; a failure ends the session like any other.
public sealed partial class ReplicaServer
{
    /// <summary>A further check of a primary's history before its plan is followed (cluster mode: this node leads, or
    /// the primary's newest epoch is older than the cluster's): the reason to refuse it, or null.</summary>
    public Func<Engine.History, string?>? Admission { get; set; }

    /// <summary>Agrees with the primary where the stream resumes; returns its plan once accepted and acted on.</summary>
    private async Task<Plan> AgreeAsync(PeerConnection connection, string primary, CancellationToken ct)
    {
        var mine = new ReplicaHistory(broker.History, broker.CommittedSequence, broker.RewindFloor);
        await connection.SendAsync(FrameType.History, o => WireCodec.Write(mine, o), ct);
        var plan = WireCodec.ReadPlan((await connection.ExpectAsync(ct, FrameType.Plan)).Payload);
        var refusal = Admission?.Invoke(plan.History)
                      ?? HistoryMatch.Stale(mine.History, plan.History)
                      ?? (HistoryMatch.Unsafe(plan, mine) is { } unsafePlan ? $"an unsafe plan: {unsafePlan}" : null);
        if (refusal is not null) throw await RefusalAsync(connection, primary, refusal, ct);

        // This replica's own words for what it does, when it comes to the same decision as its primary.
        var own = HistoryMatch.Decide(plan.History, plan.Committed, mine);
        var why = own.Action == plan.Action ? own.Why : $"primary {primary} asked for it";
        long position = 0;
        switch (plan.Action)
        {
            case PlanAction.Stream:
                if (await broker.AdoptHistoryAsync(plan.History.Through(plan.After))) LogAdopted(logger, primary, plan.History);
                position = plan.After;
                break;
            case PlanAction.Truncate:
                LogDropping(logger, mine.Applied - plan.After, primary, why, plan.After);
                try
                {
                    position = await broker.TruncateAfterAsync(plan.After, plan.History.Through(plan.After));
                }
                catch (InvalidOperationException cannot)
                {
                    throw await RefusalAsync(connection, primary, $"this replica could not drop the events after {plan.After}: {cannot.Message}", ct);
                }

                break;
            case PlanAction.Snapshot:
                // Nothing is applied until the snapshot is installed, and the history is recorded with it.
                LogTakingSnapshot(logger, primary, why);
                break;
        }

        await connection.SendAsync(FrameType.Ack, o => WireCodec.WriteNumbers(o, position), ct);
        return plan;
    }

    /// <summary>Tells the primary why; returns what ends the session with the same reason in this node's log.</summary>
    private static async Task<HandshakeRefusedException> RefusalAsync(PeerConnection connection, string primary, string reason,
        CancellationToken ct)
    {
        await connection.RefuseAsync(reason, ct);
        return new HandshakeRefusedException($"refused primary {primary}: {reason}");
    }

    [LoggerMessage(EventId = 57, Level = LogLevel.Warning, Message = "Dropping {Count} events that are not in the history of primary {Primary}: {Why}; the stream resumes after {After}")]
    private static partial void LogDropping(ILogger logger, long count, string primary, string why, long after);

    [LoggerMessage(EventId = 58, Level = LogLevel.Warning, Message = "Taking a full snapshot from primary {Primary}: {Why}")]
    private static partial void LogTakingSnapshot(ILogger logger, string primary, string why);

    [LoggerMessage(EventId = 59, Level = LogLevel.Information, Message = "Following primary {Primary}: {History}")]
    private static partial void LogAdopted(ILogger logger, string primary, Spartan.Engine.History history);

    [LoggerMessage(EventId = 53, Level = LogLevel.Information, Message = "Installed the primary's snapshot at sequence {Sequence} ({Messages} messages)")]
    private static partial void LogInstalled(ILogger logger, long sequence, int messages);
}
