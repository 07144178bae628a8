using Spartan.Engine;
using static Spartan.Replication.Tests.Links.LinkTestKit;

namespace Spartan.Replication.Tests.Pipes;

/// <summary>SPEC §7/§13 over in-memory pipes: a node that has seen a newer epoch of the same history (it was promoted,
/// then made a replica again) refuses a primary of an older epoch as stale, with the reason in both logs; the primary
/// keeps retrying like after any refusal, and the replica's state does not move.</summary>
public sealed class StaleEpochTests : IDisposable
{
    private readonly ObservedTime _time = new();
    private readonly PipeNetwork _first;
    private readonly PipeNetwork _second;

    public StaleEpochTests()
    {
        _first = new PipeNetwork(_time);
        _second = new PipeNetwork(_time);
    }

    public void Dispose()
    {
        _first.Dispose();
        _second.Dispose();
    }

    [Fact]
    public async Task A_replica_promoted_since_refuses_its_old_primary_as_stale_in_both_logs_and_the_primary_keeps_retrying()
    {
        await using var node = TestNode.InMemory(_time, replica: false);
        await node.PushAsync(5, "shared");
        await using var replicaNode = TestNode.InMemory(_time, replica: true);
        await using (var replica = new PipeReplica(_time, _first, replicaNode))
        await using (var primary = new PipePrimary(_time, _first, node))
            await EventuallyAsync(() => primary.Replicator.Progress.Acked == 5, () => primary.Log.Text + "\n" + replica.Log.Text);

        // Promoted: it begins epoch 2 of the same history, as a start in primary mode does; then it is a replica again.
        var promoted = await replicaNode.Broker.BeginEpochAsync();
        Assert.Equal(2, promoted!.Value.Number);
        await using var again = new PipeReplica(_time, _second, replicaNode);
        var armed = _time.Timers.Count;
        await using var stale = new PipePrimary(_time, _second, node);

        var ours = node.Broker.History.Latest!.Value;
        var reason = $"a stale primary: its newest epoch is 1 ({Epoch.ShortId(ours.Id)}), older than epoch 2 " +
                     $"({Epoch.ShortId(promoted.Value.Id)}) that this node has of the same history";
        await EventuallyAsync(() => again.Log.Contains($"refused primary test-primary: {reason}"), () => again.Log.Text);
        await EventuallyAsync(() => stale.Log.Contains($"Replica pipe-replica: the replica refused: {reason}; retrying in"), () => stale.Log.Text);

        // Retried like any refusal, and refused again.
        // The first retry's delay is under 1.4 try_timers (1 s here); it is the only timer that short.
        await EventuallyAsync(() => _time.Timers.Skip(armed).Any(t => t != Timeout.InfiniteTimeSpan && t < TimeSpan.FromSeconds(2)), () => stale.Log.Text);
        _time.Advance(TimeSpan.FromSeconds(2));
        await EventuallyAsync(() => _second.Dials.Count >= 2, () => stale.Log.Text);
        await EventuallyAsync(() => Occurrences(again.Log.Text, reason) >= 2, () => again.Log.Text);
        Assert.Equal(5, replicaNode.Broker.CommittedSequence);
        Assert.False(stale.Replicator.Progress.Connected);
    }

    [Fact]
    public async Task A_replica_refuses_a_primary_its_admission_check_names_stale_and_applies_nothing()
    {
        await using var node = TestNode.InMemory(_time, replica: false);
        await node.PushAsync(3, "old");
        await using var replicaNode = TestNode.InMemory(_time, replica: true);
        await using var replica = new PipeReplica(_time, _first, replicaNode);
        // As a cluster node sets it: etcd named epoch 9, and this primary's newest is older.
        replica.Server.Admission = history => history.Latest?.Number < 9 ? $"a stale primary: its newest epoch is {history.Latest?.Number}" : null;

        await using var stale = new PipePrimary(_time, _first, node);

        await EventuallyAsync(() => replica.Log.Contains("refused primary test-primary: a stale primary: its newest epoch is 1"), () => replica.Log.Text);
        Assert.Equal(0, replicaNode.Broker.CommittedSequence);
        Assert.False(stale.Replicator.Progress.Connected);
    }
}
