using static Spartan.Replication.Tests.Links.LinkTestKit;

namespace Spartan.Replication.Tests.Pipes;

/// <summary>SPEC §7 over in-memory pipes: a replica that connects behind a backlog gets it as events, in order, exactly
/// once; one behind what the primary still holds (the in-memory ring of a primary without an event log) gets a full
/// snapshot, then the tail as events.</summary>
public sealed class CatchUpTests : IDisposable
{
    private readonly ObservedTime _time = new();
    private readonly PipeNetwork _network;

    public CatchUpTests() => _network = new PipeNetwork(_time);

    public void Dispose() => _network.Dispose();

    [Fact]
    public async Task A_replica_behind_a_backlog_of_3000_events_gets_them_all_as_events_in_order()
    {
        await using var node = TestNode.InMemory(_time, replica: false);
        var ids = await node.PushAsync(3000, "backlog");
        await using var replicaNode = TestNode.InMemory(_time, replica: true);
        await using var replica = new PipeReplica(_time, _network, replicaNode);
        await using var primary = new PipePrimary(_time, _network, node);

        await EventuallyAsync(() => primary.Replicator.Progress.Acked == 3000,
            () => $"acked {primary.Replicator.Progress.Acked}\n{primary.Log.Text}\n{replica.Log.Text}");

        Assert.Equal(3000, replicaNode.Broker.CommittedSequence);
        Assert.Equal(3000, (await replicaNode.Broker.CountAsync("q")).Size);
        foreach (var id in ids) Assert.NotNull((await replicaNode.Broker.GetAsync("q", id)).Message);
        Assert.False(replica.Log.Contains("snapshot"), replica.Log.Text);
        Assert.Equal(node.Broker.History.Id, replicaNode.Broker.History.Id);
        Assert.Equal(node.Broker.History.Epochs, replicaNode.Broker.History.Epochs);
    }

    [Fact]
    public async Task A_replica_behind_what_the_primary_still_holds_gets_a_full_snapshot_then_the_tail()
    {
        await using var node = TestNode.InMemory(_time, replica: false, retained: 64);
        var early = await node.PushAsync(500, "early");
        await using var replicaNode = TestNode.InMemory(_time, replica: true);
        await using var replica = new PipeReplica(_time, _network, replicaNode);
        await using var primary = new PipePrimary(_time, _network, node);

        await EventuallyAsync(() => replica.Log.Contains("Installed the primary's snapshot at sequence 500 (500 messages)"),
            () => primary.Log.Text + "\n" + replica.Log.Text);
        Assert.True(primary.Log.Contains("Replica pipe-replica is behind what the log retains; sending a full snapshot at sequence 500"),
            primary.Log.Text);

        var tail = await node.PushAsync(10, "tail");
        await EventuallyAsync(() => primary.Replicator.Progress.Acked == 510, () => primary.Log.Text);
        Assert.Equal(510, (await replicaNode.Broker.CountAsync("q")).Size);
        foreach (var id in early.Concat(tail)) Assert.NotNull((await replicaNode.Broker.GetAsync("q", id)).Message);
        Assert.Equal(1, Occurrences(replica.Log.Text, "Installed the primary's snapshot"));
        Assert.Equal(node.Broker.History.Id, replicaNode.Broker.History.Id);
    }
}
