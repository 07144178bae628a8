using static Spartan.Replication.Tests.Links.LinkTestKit;

namespace Spartan.Replication.Tests.Pipes;

/// <summary>SPEC §7 history identity over in-memory pipes, on RocksDB folders (log mode): the primary is restored from a
/// backup taken before its replica received more, and takes writes again in a new epoch. The replica shares its history
/// up to the backup: it drops the events after it and follows the restored primary, or, when it cannot go back that far
/// (its snapshot covers them), takes a full snapshot. Either way it says why, and keeps none of the dropped events.</summary>
public sealed class DivergentSuffixTests : IDisposable
{
    private const string Diverged = "events 21–30 of the replica are not in the primary's history, which it shares up to 20";
    private readonly ObservedTime _time = new();
    private readonly PipeNetwork _network;
    private readonly string _folder = Directory.CreateTempSubdirectory("spartan-history-").FullName;

    public DivergentSuffixTests() => _network = new PipeNetwork(_time);

    public void Dispose()
    {
        _network.Dispose();
        Directory.Delete(_folder, recursive: true);
    }

    private string PathOf(string name) => Path.Combine(_folder, name);

    [Fact]
    public async Task A_replica_ahead_of_a_primary_restored_from_a_backup_drops_the_divergent_suffix_and_follows_it()
    {
        await using var replicaNode = TestNode.InFolder(PathOf("replica"), _time, replica: true);
        await using var replica = new PipeReplica(_time, _network, replicaNode);
        var dropped = await FollowThenLoseAsync(replica);

        await using var restored = TestNode.InFolder(PathOf("backup"), _time, replica: false);
        var refill = await restored.PushAsync(25, "restored"); // 21–45: past the replica's 30
        await using var primary = new PipePrimary(_time, _network, restored);
        await EventuallyAsync(() => primary.Replicator.Progress.Acked == 45, () => primary.Log.Text + "\n" + replica.Log.Text);

        Assert.True(replica.Log.Contains($"Dropping 10 events that are not in the history of primary test-primary: {Diverged}; the stream resumes after 20"),
            replica.Log.Text);
        Assert.True(primary.Log.Contains($"Replica pipe-replica: {Diverged}; it drops them and the stream resumes after 20"), primary.Log.Text);
        Assert.False(replica.Log.Contains("snapshot"), replica.Log.Text);
        Assert.Equal(restored.StoredEvents(), replicaNode.StoredEvents());
        Assert.True(replicaNode.Store!.ReadHistory().SameAs(restored.Broker.History));
        foreach (var id in dropped) Assert.Null((await replicaNode.Broker.GetAsync("q", id)).Message);
        foreach (var id in refill) Assert.NotNull((await replicaNode.Broker.GetAsync("q", id)).Message);
    }

    [Fact]
    public async Task A_replica_whose_snapshot_covers_the_divergent_events_takes_a_full_snapshot_instead()
    {
        await using var replicaNode = TestNode.InFolder(PathOf("replica"), _time, replica: true);
        await using var replica = new PipeReplica(_time, _network, replicaNode);
        var dropped = await FollowThenLoseAsync(replica);
        // Its log folded up to 30 (compaction): it can no longer go back to 20.
        Assert.NotNull(await replicaNode.Broker.CaptureAndPersistAsync(replicaNode.Store!.Snapshots.Write));

        await using var restored = TestNode.InFolder(PathOf("backup"), _time, replica: false);
        var refill = await restored.PushAsync(25, "restored");
        await using var primary = new PipePrimary(_time, _network, restored);
        await EventuallyAsync(() => primary.Replicator.Progress.Acked == 45, () => primary.Log.Text + "\n" + replica.Log.Text);

        Assert.True(replica.Log.Contains($"Taking a full snapshot from primary test-primary: {Diverged}, and the replica cannot go back below 30"),
            replica.Log.Text);
        Assert.True(replica.Log.Contains("Installed the primary's snapshot at sequence 45"), replica.Log.Text);
        Assert.Empty(replicaNode.StoredEvents());
        Assert.True(replicaNode.Store.ReadHistory().SameAs(restored.Broker.History));
        foreach (var id in dropped) Assert.Null((await replicaNode.Broker.GetAsync("q", id)).Message);
        foreach (var id in refill) Assert.NotNull((await replicaNode.Broker.GetAsync("q", id)).Message);
    }

    /// <summary>A primary takes 20 writes, is backed up, takes 10 more that the replica receives, and is gone; returns the
    /// ids of those 10.</summary>
    private async Task<Guid[]> FollowThenLoseAsync(PipeReplica replica)
    {
        await using var original = TestNode.InFolder(PathOf("primary"), _time, replica: false);
        await original.PushAsync(20, "kept");
        original.Store!.Checkpoint(PathOf("backup"));
        var later = await original.PushAsync(10, "later");
        await using var primary = new PipePrimary(_time, _network, original);
        await EventuallyAsync(() => primary.Replicator.Progress.Acked == 30, () => primary.Log.Text + "\n" + replica.Log.Text);
        return later;
    }
}
