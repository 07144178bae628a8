using System.Net.Sockets;
using System.Net;
using Spartan.Replication;
using Spartan.Replication.Protocol;
using static Spartan.EndToEnd.Tests.ReplicationHelpers;

namespace Spartan.EndToEnd.Tests;

/// <summary>A peer speaking another protocol version is refused with a clear reason on both sides, and the primary
/// keeps retrying (SPEC §7). The foreign peer is this test, speaking the real framing with version 2.</summary>
[Collection(nameof(ReplicationCollection))]
public sealed class ReplicationVersionTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_replica_refuses_a_primary_of_another_protocol_version_and_says_why()
    {
        await using var replica = new ReplicationNode("replica");
        replica.WriteConfig(ReplicaConfig(AnyPort, Persistence("log")));
        await replica.StartAsync("replica");
        var port = replica.ReplicationPort;

        using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(IPAddress.Loopback, port, Ct);
        await using var peer = new PeerConnection(socket);
        var hello = new Hello(ProtocolVersion.Current + 1, "future-primary", ["q", "lag"], "digest", Handshake.NewChallenge());
        await peer.SendAsync(FrameType.Hello, o => WireCodec.Write(hello, o), Ct);

        var answer = await peer.ExpectAsync(Ct, FrameType.Refused);
        Assert.Contains("protocol version mismatch", WireCodec.ReadText(answer.Payload));
        await WaitForLogAsync(replica, "protocol version mismatch", TimeSpan.FromSeconds(10));
        Assert.Equal(200, (int)(await replica.Http.GetAsync("/q/size", Ct)).StatusCode);
    }

    [Fact]
    public async Task A_primary_refuses_a_replica_of_another_protocol_version_logs_why_and_retries()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        await using var primary = new ReplicationNode("primary");
        primary.WriteConfig(PrimaryConfig([port], Persistence("log")));
        await primary.StartAsync("start");

        for (var attempt = 0; attempt < 2; attempt++)
        {
            using var accepted = await listener.AcceptSocketAsync(Ct).AsTask().WaitAsync(TimeSpan.FromSeconds(30), Ct);
            await using var peer = new PeerConnection(accepted);
            var hello = WireCodec.ReadHello((await peer.ExpectAsync(Ct, FrameType.Hello)).Payload);
            var reply = new HelloReply(hello.Version + 1, "future-replica", hello.Queues, hello.SettingsDigest, [], Handshake.NewChallenge(), 0);
            await peer.SendAsync(FrameType.HelloReply, o => WireCodec.Write(reply, o), Ct);
            var refused = await peer.ExpectAsync(Ct, FrameType.Refused);
            Assert.Contains("protocol version mismatch", WireCodec.ReadText(refused.Payload));
        }

        await WaitForLogAsync(primary, "protocol version mismatch", TimeSpan.FromSeconds(10), times: 2);
    }
}
