using System.Globalization;
using Spartan.Engine;

namespace Spartan.Replication.Protocol;

/// <summary>The primary's decision of where a replica's stream resumes (SPEC §7 history identity, ADR 0012).</summary>
/// <param name="Action">How the stream resumes.</param>
/// <param name="After">The sequence it resumes after; 0 before a snapshot.</param>
/// <param name="Why">The reason, for both logs.</param>
public readonly record struct Decision(PlanAction Action, long After, string Why);

/// <summary>How a primary and its replica agree on where the stream resumes, from the replica's history: the primary
/// decides (<see cref="Decide"/>), the replica checks that the decision keeps no event of another history
/// (<see cref="Unsafe"/>) and that the primary is not stale (<see cref="Stale"/>). Pure functions of what both sent.</summary>
public static class HistoryMatch
{
    /// <summary>The primary's decision: same history → resume after the last sequence both agree on, telling the replica
    /// to drop what it holds beyond it (or a full snapshot when it cannot go back that far); another history → a full
    /// snapshot, unless the replica holds nothing yet.</summary>
    public static Decision Decide(History primary, long committed, ReplicaHistory replica)
    {
        ArgumentNullException.ThrowIfNull(primary);
        ArgumentNullException.ThrowIfNull(replica);
        var (history, applied, floor) = replica;
        if (history.Id != primary.Id)
        {
            return applied == 0
                ? new Decision(PlanAction.Stream, 0, $"the replica holds no event yet and takes {primary}")
                : new Decision(PlanAction.Snapshot, 0,
                    $"the histories differ (this replica's {Id(history)}, the primary's {Id(primary)}): none of the replica's {N(applied)} events is the primary's");
        }

        var common = primary.LastCommonSequence(committed, history, applied);
        if (applied <= common)
            return new Decision(PlanAction.Stream, applied, $"the replica holds the primary's history up to {N(applied)}");
        var diverged = $"events {N(common + 1)}–{N(applied)} of the replica are not in the primary's history, which it shares up to {N(common)}";
        return floor <= common
            ? new Decision(PlanAction.Truncate, common, diverged)
            : new Decision(PlanAction.Snapshot, 0, $"{diverged}, and the replica cannot go back below {N(floor)}");
    }

    /// <summary>Why a replica holding <paramref name="replica"/> refuses a primary of <paramref name="primary"/> as stale,
    /// or null: within one history, a primary whose newest epoch is older than the replica's newest (a lower number, or
    /// the same number begun by another node) lost its place to a newer writer.</summary>
    public static string? Stale(History replica, History primary)
    {
        ArgumentNullException.ThrowIfNull(replica);
        ArgumentNullException.ThrowIfNull(primary);
        if (replica.Id != primary.Id || replica.Latest is not { } mine) return null;
        if (primary.Latest is not { } theirs)
            return $"a stale primary: it has begun no epoch, and this node has epoch {N(mine.Number)} ({Epoch.ShortId(mine.Id)}) of the same history";
        if (theirs.Number < mine.Number)
            return $"a stale primary: its newest epoch is {N(theirs.Number)} ({Epoch.ShortId(theirs.Id)}), older than epoch {N(mine.Number)} ({Epoch.ShortId(mine.Id)}) that this node has of the same history";
        if (theirs.Number == mine.Number && theirs.Id != mine.Id)
            return $"a stale primary: its epoch {N(theirs.Number)} ({Epoch.ShortId(theirs.Id)}) is not the epoch {N(mine.Number)} ({Epoch.ShortId(mine.Id)}) that this node has of the same history: another node began it";
        return null;
    }

    /// <summary>The replica's check of the primary's plan: why accepting it would keep an event that is not in the
    /// primary's history (or go back further than the replica can), or null when it is safe.</summary>
    public static string? Unsafe(Plan plan, ReplicaHistory replica)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(replica);
        var (history, applied, floor) = replica;
        var primary = plan.History;
        switch (plan.Action)
        {
            case PlanAction.Snapshot:
                return null;
            case PlanAction.Stream when plan.After != applied:
                return $"the plan resumes after {N(plan.After)}, but this replica holds events up to {N(applied)}";
            case PlanAction.Stream when history.Id != primary.Id:
                return applied == 0 ? null : $"the plan would keep {N(applied)} events of another history";
            case PlanAction.Truncate when history.Id != primary.Id:
                return "the plan would keep events of another history";
            case PlanAction.Truncate when plan.After >= applied || plan.After < floor:
                return $"the plan drops the events after {N(plan.After)}, but this replica holds them up to {N(applied)} and cannot go back below {N(floor)}";
        }

        var common = primary.LastCommonSequence(plan.Committed, history, applied);
        return plan.After <= common ? null : $"the plan would keep events {N(common + 1)}–{N(plan.After)}, which are not in the primary's history";
    }

    private static string Id(History history) => Epoch.ShortId(history.Id);

    private static string N(long value) => value.ToString(CultureInfo.InvariantCulture);
}
