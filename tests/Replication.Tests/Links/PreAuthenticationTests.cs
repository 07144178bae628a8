using System.Buffers.Binary;
using System.Net.Sockets;
using Microsoft.Extensions.Time.Testing;
using NodaTime;
using Spartan.Domain.Events;
using Spartan.Engine;
using Spartan.Replication.Protocol;
using Spartan.Replication.Replica;
using Spartan.Storage.Codecs;
using static Spartan.Replication.Tests.Links.LinkTestKit;

namespace Spartan.Replication.Tests.Links;

/// <summary>SPEC §9 on a real replica server over loopback: until its handshake is authenticated a peer gets 64 KiB
/// frames, one of 16 slots, and 10 s (of the injected clock) from accept.</summary>
public sealed class PreAuthenticationTests : IAsyncDisposable
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 30, 12, 0, 0, TimeSpan.Zero));
    private readonly TestReplica _replica;
    private readonly List<Socket> _sockets = [];

    public PreAuthenticationTests() => _replica = new TestReplica(_time);

    public async ValueTask DisposeAsync()
    {
        foreach (var socket in _sockets) socket.Dispose();
        await _replica.DisposeAsync();
    }

    [Theory]
    [InlineData(64 * 1024 + 1)]
    [InlineData(250 * 1024 * 1024)]
    public async Task A_Hello_declaring_more_than_64_KiB_is_refused_from_its_header(int declared)
    {
        var socket = await OpenAsync();
        var header = new byte[5];
        BinaryPrimitives.WriteUInt32BigEndian(header, (uint)declared);
        header[4] = (byte)FrameType.Hello;
        await socket.SendAsync(header, SocketFlags.None, Ct);

        // No payload byte follows and the clock never moves: only the header can have closed it.
        await AssertClosedByPeerAsync(socket, $"a Hello header declaring {declared} bytes");
        await EventuallyAsync(() => _replica.Log.Contains("above the maximum of 65536 bytes"), () => _replica.Log.Text);
        await EventuallyAsync(() => _replica.Server.Unauthenticated == 0, () => "the slot was not freed");
    }

    [Fact]
    public async Task A_frame_of_one_MiB_is_accepted_after_authentication()
    {
        await using var peer = new PeerConnection(await OpenAsync());
        var applied = await HandshakeAsync(peer);
        var body = new string('x', 1024 * 1024);
        var pushed = new MessagePushed("q", Instant.FromDateTimeOffset(_time.GetUtcNow()), Guid.NewGuid(), body, 0, 0,
            new Dictionary<string, string>(), 5, 600, null);
        WireEvent[] events = [new(applied + 1, EventCodec.Encode(pushed))];

        await peer.SendAsync(FrameType.Events, o => WireCodec.WriteEvents(events, o), Ct);

        var ack = await peer.ExpectAsync(Ct, FrameType.Ack);
        Assert.Equal(applied + 1, WireCodec.ReadNumbers(ack.Payload).First);
        Assert.Equal(1, (await _replica.Broker.CountAsync("q")).Size);
    }

    [Fact]
    public async Task The_17th_unauthenticated_connection_is_closed_at_accept_and_a_freed_slot_admits_the_next()
    {
        var pending = new List<Socket>();
        for (var i = 0; i < ReplicaServer.MaxUnauthenticated; i++) pending.Add(await OpenAsync());
        await EventuallyAsync(() => _replica.Server.Unauthenticated == 16, () => $"{_replica.Server.Unauthenticated} pending");

        // Closed at accept, with a reset: on loopback it may even beat the end of the client's connect.
        var seventeenth = new Socket(SocketType.Stream, ProtocolType.Tcp);
        _sockets.Add(seventeenth);
        try
        {
            await seventeenth.ConnectAsync((System.Net.IPEndPoint)_replica.Server.LocalEndPoint!, Ct);
            await AssertClosedByPeerAsync(seventeenth, "the 17th unauthenticated connection");
        }
        catch (SocketException reset) when (reset.SocketErrorCode == SocketError.ConnectionReset)
        {
        }

        await EventuallyAsync(() => _replica.Log.Contains("16 connections are already waiting for an authenticated handshake"),
            () => _replica.Log.Text);

        // One of the 16 authenticates: its slot is free, and a new connection gets through the whole handshake.
        await using (var first = new PeerConnection(pending[0])) await HandshakeAsync(first);
        await EventuallyAsync(() => _replica.Server.Unauthenticated == 15, () => $"{_replica.Server.Unauthenticated} pending");
        await using var next = new PeerConnection(await OpenAsync());
        Assert.Equal(0, await HandshakeAsync(next));
        // The 15 silent ones are still held: none was dropped to make room.
        await EventuallyAsync(() => _replica.Server.Unauthenticated == 15, () => $"{_replica.Server.Unauthenticated} pending");
    }

    [Fact]
    public async Task A_silent_peer_is_dropped_10_seconds_after_accept()
    {
        var socket = await OpenAsync();
        await EventuallyAsync(() => _replica.Server.Unauthenticated == 1, () => "not accepted");

        _time.Advance(TimeSpan.FromSeconds(10));

        await AssertClosedByPeerAsync(socket, "a peer silent for 10 s");
        await EventuallyAsync(() => _replica.Log.Contains("no authenticated handshake within 10 s"), () => _replica.Log.Text);
        Assert.Equal(0, _replica.Server.Unauthenticated);
    }

    [Fact]
    public async Task The_window_counts_from_accept_so_a_handshake_left_unfinished_is_dropped_at_10_seconds()
    {
        await using var peer = new PeerConnection(await OpenAsync());
        await EventuallyAsync(() => _replica.Server.Unauthenticated == 1, () => "not accepted");
        _time.Advance(TimeSpan.FromSeconds(9.9));

        // Still served at 9.9 s: it answers the Hello.
        var hello = new Hello(ProtocolVersion.Current, "slow", Queues, "digest", Handshake.NewChallenge());
        await peer.SendAsync(FrameType.Hello, o => WireCodec.Write(hello, o), Ct);
        await peer.ExpectAsync(Ct, FrameType.HelloReply);

        // Never sends its Welcome.
        _time.Advance(TimeSpan.FromSeconds(0.1));
        await EventuallyAsync(() => _replica.Log.Contains("no authenticated handshake within 10 s"), () => _replica.Log.Text);
        Assert.Null(await peer.ReadAsync(Ct));
    }

    private async Task<Socket> OpenAsync()
    {
        var socket = await ConnectAsync(_replica.Server);
        _sockets.Add(socket);
        return socket;
    }
}
