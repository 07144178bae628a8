using Spartan.Engine;
using Spartan.Replication.Protocol;

namespace Spartan.Replication.Tests.Protocol;

/// <summary>ADR 0012: where a replica's stream resumes, decided by the primary from the replica's history, and the
/// replica's own checks — a stale primary is refused, a plan that would keep an event of another history too.</summary>
public sealed class HistoryMatchTests
{
    private static readonly Guid Folder = Guid.NewGuid();
    private static readonly Epoch One = new(1, Guid.NewGuid(), 1);
    private static readonly Epoch Two = new(2, Guid.NewGuid(), 61);
    private static readonly History Primary = new(Folder, [One, Two]);

    [Fact]
    public void A_replica_holding_a_prefix_of_the_primary_history_is_streamed_after_its_position()
    {
        var decision = HistoryMatch.Decide(Primary, 100, new ReplicaHistory(Primary.Through(80), 80, 0));

        Assert.Equal((PlanAction.Stream, 80L), (decision.Action, decision.After));
    }

    [Fact]
    public void A_replica_beyond_where_the_histories_part_drops_the_rest_when_it_can_go_back_or_takes_a_snapshot()
    {
        // Epoch 1 went on to 75 on the replica; the primary began epoch 2 at 61 (restored from a backup at 60).
        var replica = new History(Folder, [One]);

        var truncate = HistoryMatch.Decide(Primary, 100, new ReplicaHistory(replica, 75, 40));
        var snapshot = HistoryMatch.Decide(Primary, 100, new ReplicaHistory(replica, 75, 70));

        Assert.Equal((PlanAction.Truncate, 60L), (truncate.Action, truncate.After));
        Assert.Equal("events 61–75 of the replica are not in the primary's history, which it shares up to 60", truncate.Why);
        Assert.Equal(PlanAction.Snapshot, snapshot.Action);
        Assert.EndsWith("and the replica cannot go back below 70", snapshot.Why, StringComparison.Ordinal);
    }

    [Fact]
    public void A_replica_of_another_history_takes_a_snapshot_unless_it_holds_nothing()
    {
        var other = new History(Guid.NewGuid(), [new Epoch(1, Guid.NewGuid(), 1)]);

        var holding = HistoryMatch.Decide(Primary, 100, new ReplicaHistory(other, 120, 0));
        var empty = HistoryMatch.Decide(Primary, 100, new ReplicaHistory(History.New(), 0, 0));

        Assert.Equal(PlanAction.Snapshot, holding.Action);
        Assert.StartsWith("the histories differ", holding.Why, StringComparison.Ordinal);
        Assert.Equal((PlanAction.Stream, 0L), (empty.Action, empty.After));
    }

    [Fact]
    public void A_primary_older_than_the_replica_newest_epoch_is_stale_within_one_history_only()
    {
        var promoted = new History(Folder, [One]).Begin(50, out _);
        var rival = new History(Folder, [One, Two with { Id = Guid.NewGuid() }]);

        Assert.Contains("its newest epoch is 1", HistoryMatch.Stale(promoted, new History(Folder, [One])));
        Assert.Contains("another node began it", HistoryMatch.Stale(rival, Primary));
        Assert.Contains("it has begun no epoch", HistoryMatch.Stale(promoted, new History(Folder, [])));
        Assert.Null(HistoryMatch.Stale(new History(Folder, [One]), Primary)); // the primary is newer
        Assert.Null(HistoryMatch.Stale(Primary, Primary));
        Assert.Null(HistoryMatch.Stale(History.New(), Primary)); // nothing recorded yet
        Assert.Null(HistoryMatch.Stale(new History(Guid.NewGuid(), [new Epoch(9, Guid.NewGuid(), 1)]), Primary)); // another history: a snapshot, not a refusal
    }

    [Fact]
    public void A_replica_accepts_only_plans_that_keep_no_event_outside_the_primary_history()
    {
        var replica = new ReplicaHistory(new History(Folder, [One]), 75, 40);
        var foreign = new ReplicaHistory(History.New(), 75, 40);

        Assert.Null(HistoryMatch.Unsafe(Plan(PlanAction.Truncate, 60), replica));
        Assert.Null(HistoryMatch.Unsafe(Plan(PlanAction.Snapshot, 0), foreign));
        Assert.Null(HistoryMatch.Unsafe(Plan(PlanAction.Stream, 0), new ReplicaHistory(History.New(), 0, 0)));
        Assert.Contains("not in the primary's history", HistoryMatch.Unsafe(Plan(PlanAction.Stream, 75), replica));
        Assert.Contains("not in the primary's history", HistoryMatch.Unsafe(Plan(PlanAction.Truncate, 70), replica));
        Assert.Contains("cannot go back below 40", HistoryMatch.Unsafe(Plan(PlanAction.Truncate, 30), replica));
        Assert.Contains("another history", HistoryMatch.Unsafe(Plan(PlanAction.Stream, 75), foreign));
        Assert.Contains("another history", HistoryMatch.Unsafe(Plan(PlanAction.Truncate, 30), foreign));
        Assert.Contains("holds events up to 75", HistoryMatch.Unsafe(Plan(PlanAction.Stream, 60), replica));
    }

    private static Plan Plan(PlanAction action, long after) => new(action, after, 100, Primary);
}
