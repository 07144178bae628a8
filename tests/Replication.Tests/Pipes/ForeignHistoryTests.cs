using static Spartan.Replication.Tests.Links.LinkTestKit;

namespace Spartan.Replication.Tests.Pipes;

/// <summary>SPEC §7 history identity over in-memory pipes, on RocksDB folders (log mode): a replica whose events are of
/// another history (its primary's folder was wiped, or it ran on its own) never applies the primary's events on top of
/// them: it takes a full snapshot, says why, and keeps none of its own events; a replica that holds nothing yet simply
/// takes the primary's history and its events from the first.</summary>
public sealed class ForeignHistoryTests : IDisposable
{
    private readonly ObservedTime _time = new();
    private readonly PipeNetwork _network;
    private readonly string _folder = Directory.CreateTempSubdirectory("spartan-history-").FullName;

    public ForeignHistoryTests() => _network = new PipeNetwork(_time);

    public void Dispose()
    {
        _network.Dispose();
        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public async Task A_replica_of_another_history_takes_a_full_snapshot_and_keeps_none_of_its_own_events()
    {
        var replicaPath = Path.Combine(_folder, "replica");
        Guid[] own;
        await using (var alone = TestNode.InFolder(replicaPath, _time, replica: false)) own = await alone.PushAsync(30, "own");
        await using var node = TestNode.InFolder(Path.Combine(_folder, "primary"), _time, replica: false);
        var primaryIds = await node.PushAsync(50, "primary"); // past the replica's position
        await using var replicaNode = TestNode.InFolder(replicaPath, _time, replica: true);
        var before = replicaNode.Broker.History;
        await using var replica = new PipeReplica(_time, _network, replicaNode);
        await using var primary = new PipePrimary(_time, _network, node);

        await EventuallyAsync(() => replica.Log.Contains("Installed the primary's snapshot at sequence 50"),
            () => primary.Log.Text + "\n" + replica.Log.Text);

        var why = $"the histories differ (this replica's {Id(before.Id)}, the primary's {Id(node.Broker.History.Id)}): " +
                  "none of the replica's 30 events is the primary's";
        Assert.True(replica.Log.Contains($"Taking a full snapshot from primary test-primary: {why}"), replica.Log.Text);
        Assert.True(primary.Log.Contains($"Replica pipe-replica: {why}; sending a full snapshot at sequence 50"), primary.Log.Text);
        Assert.Empty(replicaNode.StoredEvents()); // the snapshot replaced the log
        var tail = await node.PushAsync(5, "tail");
        await EventuallyAsync(() => primary.Replicator.Progress.Acked == 55, () => primary.Log.Text);
        Assert.Equal([51L, 52, 53, 54, 55], replicaNode.StoredEvents().Select(e => e.Sequence));
        Assert.All(replicaNode.StoredEvents(), e => Assert.Contains(e.Message!.Value, tail));
        foreach (var id in own) Assert.Null((await replicaNode.Broker.GetAsync("q", id)).Message);
        foreach (var id in primaryIds.Concat(tail)) Assert.NotNull((await replicaNode.Broker.GetAsync("q", id)).Message);
        Assert.Equal(node.Broker.History.Id, replicaNode.Store!.ReadHistory().Id);
        Assert.Equal(node.Broker.History.Epochs, replicaNode.Store.ReadHistory().Epochs);
    }

    [Fact]
    public async Task A_replica_that_holds_nothing_takes_the_primary_history_and_its_events_from_the_first()
    {
        await using var node = TestNode.InFolder(Path.Combine(_folder, "primary"), _time, replica: false);
        await node.PushAsync(20, "primary");
        await using var replicaNode = TestNode.InFolder(Path.Combine(_folder, "replica"), _time, replica: true);
        await using var replica = new PipeReplica(_time, _network, replicaNode);
        await using var primary = new PipePrimary(_time, _network, node);

        await EventuallyAsync(() => primary.Replicator.Progress.Acked == 20, () => primary.Log.Text + "\n" + replica.Log.Text);

        Assert.Equal(node.StoredEvents(), replicaNode.StoredEvents());
        Assert.False(replica.Log.Contains("snapshot"), replica.Log.Text);
        Assert.True(replica.Log.Contains($"Following primary test-primary: {node.Broker.History}"), replica.Log.Text);
        Assert.True(replicaNode.Store!.ReadHistory().SameAs(node.Broker.History), "the replica records the epochs it holds events of");
    }

    private static string Id(Guid id) => Engine.Epoch.ShortId(id);
}
