using System.Buffers.Binary;
using System.Net.Sockets;
using System.Net;
using Microsoft.Extensions.Time.Testing;
using Spartan.Replication.Protocol;
using static Spartan.Replication.Tests.Links.LinkTestKit;

namespace Spartan.Replication.Tests.Links;

/// <summary>The primary's end before the replica is authenticated: the HelloReply is bounded to 64 KiB, and a replica
/// that does not answer within 10 s (of the injected clock) is given up on and retried.</summary>
public sealed class PrimaryPreAuthenticationTests : IDisposable
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 30, 12, 0, 0, TimeSpan.Zero));
    private readonly Socket _listener = new(SocketType.Stream, ProtocolType.Tcp);

    public PrimaryPreAuthenticationTests()
    {
        _listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _listener.Listen(4);
    }

    private int Port => ((IPEndPoint)_listener.LocalEndPoint!).Port;

    public void Dispose() => _listener.Dispose();

    [Fact]
    public async Task A_replica_that_does_not_answer_the_Hello_within_10_seconds_is_dropped_and_retried()
    {
        await using var primary = new TestPrimary(_time, Port);
        await using var replica = new PeerConnection(await _listener.AcceptAsync(Ct));
        await replica.ExpectAsync(Ct, FrameType.Hello); // the primary's window runs from before its Hello

        _time.Advance(TimeSpan.FromSeconds(10));

        Assert.Null(await replica.ReadAsync(Ct));
        await EventuallyAsync(() => primary.Log.Contains("the replica did not complete the handshake within 10 s; retrying in"),
            () => primary.Log.Text);
    }

    [Fact]
    public async Task A_HelloReply_declaring_more_than_64_KiB_is_refused_from_its_header()
    {
        await using var primary = new TestPrimary(_time, Port);
        using var replica = await _listener.AcceptAsync(Ct);
        await using (var peer = new PeerConnection(replica, new NetworkStream(replica, ownsSocket: false)))
            await peer.ExpectAsync(Ct, FrameType.Hello);
        var header = new byte[5];
        BinaryPrimitives.WriteUInt32BigEndian(header, 64 * 1024 + 1);
        header[4] = (byte)FrameType.HelloReply;

        await replica.SendAsync(header, SocketFlags.None, Ct);

        await AssertClosedByPeerAsync(replica, "a HelloReply header declaring 64 KiB + 1");
        await EventuallyAsync(() => primary.Log.Contains("above the maximum of 65536 bytes"), () => primary.Log.Text);
    }
}
