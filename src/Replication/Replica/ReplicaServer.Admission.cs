using System.Net.Sockets;
using System.Security.Authentication;
using Microsoft.Extensions.Logging;
using Spartan.Replication.Framing;
using Spartan.Replication.Protocol;
using Spartan.Replication.Transport;

namespace Spartan.Replication.Replica;

// Admission of a connection before its protocol handshake: the cap on unauthenticated connections (on the accept
// loop) and the transport (on the session's task): plaintext or TLS, as this node's [replication.tls] requires.
// A peer that speaks the other one is refused with a reason both sides log (SPEC §12), never half-served.
public sealed partial class ReplicaServer
{
    /// <summary>The first byte of a TLS record carrying a handshake (a ClientHello). A plaintext frame never starts
    /// with it: that would declare a payload above 350 MiB, beyond any frame the protocol allows.</summary>
    private const byte TlsHandshakeRecord = 0x16;

    private static readonly TimeSpan TurnedAwayLogGap = TimeSpan.FromSeconds(10);
    private long? _turnedAwayLoggedAt;
    private int _turnedAway;

    /// <summary>Closes a connection accepted while every unauthenticated slot is taken.</summary>
    private void TurnAway(IncomingLink link)
    {
        var remote = link.Remote;
        try
        {
            // A reset rather than a FIN where the transport has one: a flood of refused connections leaves no
            // TIME_WAIT state behind on this node.
            link.Reset();
        }
        catch (Exception error) when (error is SocketException or IOException or ObjectDisposedException)
        {
            // Already reset by the peer: closing is all that is left, and the accept loop must go on.
        }

        _turnedAway++;
        // A flood of connections must not become a flood of log lines: one line per 10 s, with the count.
        var now = _time.GetTimestamp();
        if (_turnedAwayLoggedAt is { } last && _time.GetElapsedTime(last, now) < TurnedAwayLogGap) return;
        LogTurnedAway(logger, _turnedAway, remote, MaxUnauthenticated);
        _turnedAway = 0;
        _turnedAwayLoggedAt = now;
    }

    /// <summary>The connection in the transport this node requires; throws with the reason when the peer speaks
    /// another (after telling it why, where it can understand).</summary>
    private async Task<PeerConnection> OpenAsync(IncomingLink link, CancellationToken ct)
    {
        // The first byte is read and handed back in front of the stream, so this works on any transport.
        var first = await ReadFirstByteAsync(link.Stream, ct)
                    ?? throw new IOException("the peer closed the connection before sending anything");
        var stream = new PrefixedStream(first, link.Stream);
        var startsTls = first == TlsHandshakeRecord;
        if (tls is null)
        {
            // The peer cannot read a plaintext Refused frame in the middle of its TLS handshake: closing is all it
            // can understand, and its log names the likely cause.
            if (startsTls) throw new HandshakeRefusedException("the peer started TLS, but this node has no [replication.tls]");
            return new PeerConnection(stream, link.Remote);
        }

        if (!startsTls)
        {
            await using (var plain = new PeerConnection(stream, link.Remote))
                await RefuseAfterFirstFrameAsync(plain, "this replica requires TLS ([replication.tls]) and this primary connected without it", ct);
            throw new HandshakeRefusedException("the peer spoke plaintext, but this node requires TLS ([replication.tls])");
        }

        return new PeerConnection(await tls.AcceptAsync(stream, ct), link.Remote);
    }

    /// <summary>The primary's first frame. A TLS 1.3 server finishes its handshake before the client has judged its
    /// certificate, so a primary that does not trust this node hangs up only now, and silently.</summary>
    private async Task<Frame> FirstFrameAsync(PeerConnection connection, CancellationToken ct)
    {
        Frame? frame;
        try
        {
            frame = await connection.ReadAsync(ct);
        }
        catch (IOException error) when (tls is not null && !ct.IsCancellationRequested)
        {
            throw new IOException(ClosedAfterTls, error);
        }

        if (frame is null) throw new IOException(tls is null ? "the peer closed the connection before its Hello" : ClosedAfterTls);
        if ((FrameType)frame.Value.Type is not (FrameType.Hello or FrameType.Refused))
            throw new ProtocolException($"Unexpected frame type {frame.Value.Type}, expected Hello or Refused.");
        return frame.Value;
    }

    private const string ClosedAfterTls = "the peer closed the connection right after the TLS handshake; it most likely does not " +
                                          "trust this node's certificate (not issued by the CA in its [replication.tls] ca)";

    private static async Task<byte?> ReadFirstByteAsync(Stream stream, CancellationToken ct)
    {
        var first = new byte[1];
        return await stream.ReadAsync(first, ct) == 0 ? null : first[0];
    }

    /// <summary>Sends <paramref name="reason"/> as a Refused frame once the peer's first frame is in (bounded by the
    /// pre-authentication limit): closing with its bytes unread would reset the connection before it reads why.</summary>
    private static async Task RefuseAfterFirstFrameAsync(PeerConnection connection, string reason, CancellationToken ct)
    {
        try
        {
            await connection.ReadAsync(ct);
        }
        catch (Exception error) when (error is FrameException or IOException or SocketException or AuthenticationException)
        {
            // Whatever it sent, the answer is the same.
        }

        await connection.RefuseAsync(reason, ct);
    }

    [LoggerMessage(EventId = 54, Level = LogLevel.Warning,
        Message = "Closed {Count} replication connection(s) at accept, the last from {Remote}: {Max} connections are already waiting for an authenticated handshake")]
    private static partial void LogTurnedAway(ILogger logger, int count, string remote, int max);
}
