using Spartan.Replication.Transport;
using Spartan.Replication.Protocol;

namespace Spartan.Replication.Primary;

// The unauthenticated part of a session: connect, TLS, Hello/HelloReply/Welcome. Runs on the replicator's task inside
// one Polly attempt, within the handshake window; any failure fails that attempt, which is logged and retried.
public sealed partial class Replicator
{
    /// <summary>The connection in this node's transport: plaintext, or mutual TLS with a replica whose certificate
    /// chains to this node's CA (the TLS stream then owns <paramref name="stream"/>).</summary>
    private async Task<PeerConnection> OpenAsync(Stream stream, CancellationToken ct) => _tls is null
        ? new PeerConnection(stream, _destination)
        : new PeerConnection(await _tls.ConnectAsync(stream, TlsHost(), ct), _destination);

    /// <summary>The name TLS is told (host names are not checked: nodes are reached by address).</summary>
    private string TlsHost() => _destination.Contains(':', StringComparison.Ordinal)
        ? SocketTransport.SplitHostPort(_destination).Host
        : _destination;

    private async Task<long> HandshakeAsync(PeerConnection connection, CancellationToken ct)
    {
        var challenge = Handshake.NewChallenge();
        var hello = new Hello(ProtocolVersion.Current, _settings.NodeId, _settings.Queues, _settings.SettingsDigest, challenge);
        await connection.SendAsync(FrameType.Hello, o => WireCodec.Write(hello, o), ct);

        var frame = await ReadReplyAsync(connection, ct);
        if ((FrameType)frame.Type == FrameType.Refused)
            throw new HandshakeRefusedException($"the replica refused: {WireCodec.ReadText(frame.Payload)}");
        var reply = WireCodec.ReadHelloReply(frame.Payload);

        var problem = Handshake.Incompatibility(ProtocolVersion.Current, _settings.Queues, reply.Version, reply.Queues)
                      ?? (Handshake.Matches(Handshake.ReplicaProof(_settings.Secret, challenge), reply.Proof)
                          ? null : "the replica does not hold the same replication secret");
        if (problem is not null)
        {
            await connection.RefuseAsync(problem, ct);
            throw new HandshakeRefusedException(problem);
        }

        connection.Authenticated();
        if (reply.SettingsDigest != _settings.SettingsDigest) LogSettingsDiffer(_logger, _destination);
        var proof = Handshake.PrimaryProof(_settings.Secret, reply.Challenge);
        await connection.SendAsync(FrameType.Welcome, o => WireCodec.Write(new Welcome(proof), o), ct);
        return reply.Applied;
    }

    /// <summary>The replica's answer to the Hello. A TLS 1.3 client finishes its handshake before the server has
    /// judged its certificate, so a replica that does not trust this node hangs up only now, and silently.</summary>
    private async Task<Framing.Frame> ReadReplyAsync(PeerConnection connection, CancellationToken ct)
    {
        Framing.Frame? frame;
        try
        {
            frame = await connection.ReadAsync(ct);
        }
        catch (IOException error) when (_tls is not null && !ct.IsCancellationRequested)
        {
            throw new IOException(ClosedAfterTls, error);
        }

        if (frame is null) throw new IOException(_tls is null ? "the replica closed the connection before answering the handshake" : ClosedAfterTls);
        if ((FrameType)frame.Value.Type is not (FrameType.HelloReply or FrameType.Refused))
            throw new ProtocolException($"Unexpected frame type {frame.Value.Type}, expected HelloReply or Refused.");
        return frame.Value;
    }

    private const string ClosedAfterTls = "the replica closed the connection right after the TLS handshake; it most likely does not " +
                                          "trust this node's certificate (not issued by the CA in its [replication.tls] ca)";
}
