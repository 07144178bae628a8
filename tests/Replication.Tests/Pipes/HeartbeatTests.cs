using Spartan.Replication.Protocol;
using static Spartan.Replication.Tests.Links.LinkTestKit;

namespace Spartan.Replication.Tests.Pipes;

/// <summary>SPEC §7 on the fake clock: the primary streams continuously, and an idle link carries a heartbeat with its
/// committed sequence at most <c>replication_timer</c> apart (2 s here), so the replica knows it is alive and caught up.</summary>
public sealed class HeartbeatTests : IDisposable
{
    private static readonly TimeSpan ReplicationTimer = TimeSpan.FromSeconds(2);
    private readonly ObservedTime _time = new();
    private readonly PipeNetwork _network;

    public HeartbeatTests() => _network = new PipeNetwork(_time);

    public void Dispose() => _network.Dispose();

    [Fact]
    public async Task An_idle_link_carries_a_heartbeat_each_replication_timer_and_a_commit_is_sent_at_once()
    {
        await using var node = TestNode.InMemory(_time, replica: false);
        await node.PushAsync(3, "before");
        await using var primary = new PipePrimary(_time, _network, node, ReplicationTimer);

        var (peer, plan) = await RawReplica.AcceptAsync(_network, RawReplica.Empty);
        await using var _ = peer;
        Assert.Equal((PlanAction.Stream, 0L), (plan.Action, plan.After));

        // The backlog, then at once a heartbeat saying the replica holds everything committed.
        var events = WireCodec.ReadEvents((await RawReplica.ExpectAsync(peer, FrameType.Events)).Payload);
        Assert.Equal([1L, 2, 3], events.Select(e => e.Sequence));
        Assert.Equal(3, Committed(await RawReplica.ExpectAsync(peer, FrameType.Heartbeat)));

        // Idle: the next heartbeat comes when replication_timer ends, once its timer is armed.
        await EventuallyAsync(() => HeartbeatTimers() == 1, () => string.Join(", ", _time.Timers));
        _time.Advance(ReplicationTimer);
        Assert.Equal(3, Committed(await RawReplica.ExpectAsync(peer, FrameType.Heartbeat)));
        await EventuallyAsync(() => HeartbeatTimers() == 2, () => string.Join(", ", _time.Timers));

        // A commit goes out at once, the clock standing still, then the caught-up heartbeat.
        await node.PushAsync(1, "after");
        Assert.Equal([4L], WireCodec.ReadEvents((await RawReplica.ExpectAsync(peer, FrameType.Events)).Payload).Select(e => e.Sequence));
        Assert.Equal(4, Committed(await RawReplica.ExpectAsync(peer, FrameType.Heartbeat)));
    }

    private int HeartbeatTimers() => _time.Timers.Count(t => t == ReplicationTimer);

    private static long Committed(Spartan.Replication.Framing.Frame heartbeat) => WireCodec.ReadNumbers(heartbeat.Payload).First;
}
