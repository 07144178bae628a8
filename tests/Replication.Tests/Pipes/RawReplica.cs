using Spartan.Engine;
using Spartan.Replication.Protocol;
using static Spartan.Replication.Tests.Links.LinkTestKit;

namespace Spartan.Replication.Tests.Pipes;

/// <summary>The test playing a replica by hand on an in-memory link, to see each frame its primary sends.</summary>
internal static class RawReplica
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);

    /// <summary>Accepts the primary's next connection, plays the replica's side of the handshake (no secret), says it
    /// holds <paramref name="mine"/>, and accepts the primary's plan; returns the link and the plan.</summary>
    public static async Task<(PeerConnection Peer, Plan Plan)> AcceptAsync(PipeNetwork network, ReplicaHistory mine)
    {
        var link = await network.AcceptAsync(Ct).AsTask().WaitAsync(Deadline, Ct);
        var peer = new PeerConnection(link.Stream, link.Remote);
        await ExpectAsync(peer, FrameType.Hello);
        var reply = new HelloReply(ProtocolVersion.Current, "raw-replica", Queues, "digest", [], Handshake.NewChallenge(), mine.Applied);
        await peer.SendAsync(FrameType.HelloReply, o => WireCodec.Write(reply, o), Ct);
        await ExpectAsync(peer, FrameType.Welcome);
        peer.Authenticated();
        await peer.SendAsync(FrameType.History, o => WireCodec.Write(mine, o), Ct);
        var plan = WireCodec.ReadPlan((await ExpectAsync(peer, FrameType.Plan)).Payload);
        await peer.SendAsync(FrameType.Ack, o => WireCodec.WriteNumbers(o, plan.After), Ct);
        return (peer, plan);
    }

    /// <summary>A replica that holds nothing yet.</summary>
    public static ReplicaHistory Empty => new(History.New(), 0, 0);

    /// <summary>The next frame, which must be of <paramref name="type"/> and come within the deadline.</summary>
    public static async Task<Spartan.Replication.Framing.Frame> ExpectAsync(PeerConnection peer, FrameType type)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        deadline.CancelAfter(Deadline);
        return await peer.ExpectAsync(deadline.Token, type);
    }
}
