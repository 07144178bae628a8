using System.Buffers;
using System.Net.Sockets;
using System.Net;
using Spartan.Replication.Framing;
using Spartan.Replication.Protocol;
using static Spartan.Replication.Tests.Links.LinkTestKit;

namespace Spartan.Replication.Tests.Links;

/// <summary>A connection bounds frames to 64 KiB both ways until <see cref="PeerConnection.Authenticated"/>, then allows
/// the protocol's full size.</summary>
public sealed class PeerConnectionLimitTests
{
    [Fact]
    public async Task Frames_above_64_KiB_are_refused_both_ways_until_authenticated_then_one_MiB_passes()
    {
        var (left, right) = await PairAsync();
        await using var sender = left;
        await using var receiver = right;
        var big = new byte[1024 * 1024];
        new Random(3).NextBytes(big);

        // The sender names the cause itself (e.g. a Hello with too many queue names), before writing a byte.
        var refused = Assert.Throws<ProtocolException>(() => sender.Write(FrameType.Events, o => o.Write<byte>(big)));
        Assert.Contains("above the 65536-byte limit for frames before the handshake is authenticated", refused.Message, StringComparison.Ordinal);

        sender.Authenticated();
        await sender.SendAsync(FrameType.Events, o => o.Write<byte>(big), Ct);
        // The receiver still bounds what it reads: refused from the header.
        await Assert.ThrowsAsync<FrameException>(async () => await receiver.ReadAsync(Ct));

        var (left2, right2) = await PairAsync();
        await using var sender2 = left2;
        await using var receiver2 = right2;
        sender2.Authenticated();
        receiver2.Authenticated();
        await sender2.SendAsync(FrameType.Events, o => o.Write<byte>(big), Ct);
        var frame = await receiver2.ExpectAsync(Ct, FrameType.Events);
        Assert.Equal(big, frame.Payload.ToArray());
    }

    private static async Task<(PeerConnection, PeerConnection)> PairAsync()
    {
        using var listener = new Socket(SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(1);
        var client = new Socket(SocketType.Stream, ProtocolType.Tcp);
        await client.ConnectAsync(listener.LocalEndPoint!, Ct);
        var server = await listener.AcceptAsync(Ct);
        return (new PeerConnection(client), new PeerConnection(server));
    }
}
