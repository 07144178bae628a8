using System.Buffers.Binary;
using Spartan.Replication.Protocol;
using Spartan.Replication.Replica;
using static Spartan.Replication.Tests.Links.LinkTestKit;

namespace Spartan.Replication.Tests.Pipes;

/// <summary>SPEC §9 holds whatever the transport: over in-memory pipes too, a replica holds at most 16 unauthenticated
/// connections (the 17th is closed at accept), drops a peer silent for 10 s of the fake clock, and refuses a Hello that
/// declares more than 64 KiB from its header.</summary>
public sealed class PipePreAuthenticationTests : IDisposable
{
    private readonly ObservedTime _time = new();
    private readonly PipeNetwork _network;
    private readonly List<Stream> _peers = [];

    public PipePreAuthenticationTests() => _network = new PipeNetwork(_time);

    public void Dispose()
    {
        foreach (var peer in _peers) peer.Dispose();
        _network.Dispose();
    }

    [Fact]
    public async Task Sixteen_silent_peers_are_held_the_17th_is_closed_at_accept_and_all_are_dropped_after_10_seconds()
    {
        await using var node = TestNode.InMemory(_time, replica: true);
        await using var replica = new PipeReplica(_time, _network, node);
        for (var i = 0; i < ReplicaServer.MaxUnauthenticated; i++) Connect();
        await EventuallyAsync(() => replica.Server.Unauthenticated == 16, () => $"{replica.Server.Unauthenticated} held");

        var seventeenth = Connect();
        Assert.Equal(0, await ReadAsync(seventeenth)); // closed unanswered
        await EventuallyAsync(() => replica.Log.Contains("16 connections are already waiting for an authenticated handshake"),
            () => replica.Log.Text);

        _time.Advance(ReplicaServer.HandshakeWindow);

        await EventuallyAsync(() => replica.Server.Unauthenticated == 0, () => $"{replica.Server.Unauthenticated} held");
        Assert.Equal(0, await ReadAsync(_peers[0]));
        Assert.Equal(16, replica.Log.Lines.Count(l => l.Contains("no authenticated handshake within 10 s", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task A_Hello_declaring_more_than_64_KiB_is_refused_from_its_header()
    {
        await using var node = TestNode.InMemory(_time, replica: true);
        await using var replica = new PipeReplica(_time, _network, node);
        var peer = Connect();
        var header = new byte[5];
        BinaryPrimitives.WriteUInt32BigEndian(header, 64 * 1024 + 1);
        header[4] = (byte)FrameType.Hello;

        await peer.WriteAsync(header, Ct);

        Assert.Equal(0, await ReadAsync(peer)); // no payload byte sent, the clock still: only the header closed it
        await EventuallyAsync(() => replica.Log.Contains("above the maximum of 65536 bytes"), () => replica.Log.Text);
        await EventuallyAsync(() => replica.Server.Unauthenticated == 0, () => "the slot was not freed");
    }

    private Stream Connect()
    {
        var peer = _network.Connect();
        _peers.Add(peer);
        return peer;
    }

    private static async Task<int> ReadAsync(Stream peer)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        deadline.CancelAfter(TimeSpan.FromSeconds(20));
        return await peer.ReadAsync(new byte[64], deadline.Token);
    }
}
