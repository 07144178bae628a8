using Spartan.Replication.Transport;
using Microsoft.Extensions.Logging;
using Spartan.Replication.Protocol;

namespace Spartan.Replication.Primary;

// The start of a session: connect, TLS, Hello/HelloReply/Welcome (unauthenticated, within the handshake window), then the
// replica's history and this primary's plan for its stream (ADR 0012). Runs on the replicator's task inside one Polly
// attempt; any failure fails that attempt, which is logged and retried.
public sealed partial class Replicator
{
    /// <summary>Connects, authenticates, and agrees with the replica where its stream resumes: returns once the replica
    /// accepted the plan, with the sequence it then holds of this history; throws otherwise (a refusal says why).</summary>
    private async Task<(PeerConnection Connection, Decision Decision, long Position)> EstablishAsync(CancellationToken ct)
    {
        var stream = await _dial(ct);
        PeerConnection? connection = null;
        var established = false;
        try
        {
            ReplicaHistory replica;
            using (var window = new CancellationTokenSource(HandshakeWindow, _time))
            using (var preAuth = CancellationTokenSource.CreateLinkedTokenSource(ct, window.Token))
            {
                try
                {
                    connection = await OpenAsync(stream, preAuth.Token);
                    await HandshakeAsync(connection, preAuth.Token);
                    replica = await ReadHistoryAsync(connection, preAuth.Token);
                }
                catch (OperationCanceledException) when (window.IsCancellationRequested && !ct.IsCancellationRequested)
                {
                    // Not an OperationCanceledException: Polly retries every failure but a stop.
                    throw new TimeoutException($"the replica did not complete the handshake within {HandshakeWindow.TotalSeconds:F0} s");
                }
            }

            // This primary's history changes only when it starts, so history and committed sequence agree here.
            var history = _broker.History;
            var committed = _broker.CommittedSequence;
            var decision = HistoryMatch.Decide(history, committed, replica);
            if (decision.Action == PlanAction.Truncate) LogDropping(_logger, _destination, decision.Why, decision.After);
            var plan = new Plan(decision.Action, decision.After, committed, history);
            await connection.SendAsync(FrameType.Plan, o => WireCodec.Write(plan, o), ct);
            var answer = await connection.ExpectAsync(ct, FrameType.Ack, FrameType.Refused);
            if ((FrameType)answer.Type == FrameType.Refused)
                throw new HandshakeRefusedException($"the replica refused: {WireCodec.ReadText(answer.Payload)}");
            var (position, _) = WireCodec.ReadNumbers(answer.Payload);
            if (position != decision.After)
                throw new ProtocolException($"The replica accepted the plan at {position} instead of {decision.After}.");
            Progress.Acknowledge(position);
            _broker.RecordReplicaPosition(_destination, position);
            established = true;
            return (connection, decision, position);
        }
        finally
        {
            if (!established)
            {
                if (connection is not null) await connection.DisposeAsync();
                else await stream.DisposeAsync();
            }
        }
    }

    /// <summary>The replica's history, its first frame once authenticated (or its refusal).</summary>
    private static async Task<ReplicaHistory> ReadHistoryAsync(PeerConnection connection, CancellationToken ct)
    {
        var frame = await connection.ExpectAsync(ct, FrameType.History, FrameType.Refused);
        if ((FrameType)frame.Type == FrameType.Refused)
            throw new HandshakeRefusedException($"the replica refused: {WireCodec.ReadText(frame.Payload)}");
        return WireCodec.ReadReplicaHistory(frame.Payload);
    }

    /// <summary>The connection in this node's transport: plaintext, or mutual TLS with a replica whose certificate
    /// chains to this node's CA (the TLS stream then owns <paramref name="stream"/>).</summary>
    private async Task<PeerConnection> OpenAsync(Stream stream, CancellationToken ct) => _tls is null
        ? new PeerConnection(stream, _destination)
        : new PeerConnection(await _tls.ConnectAsync(stream, TlsHost(), ct), _destination);

    /// <summary>The name TLS is told (host names are not checked: nodes are reached by address).</summary>
    private string TlsHost() => _destination.Contains(':', StringComparison.Ordinal)
        ? SocketTransport.SplitHostPort(_destination).Host
        : _destination;

    private async Task HandshakeAsync(PeerConnection connection, CancellationToken ct)
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

    [LoggerMessage(EventId = 46, Level = LogLevel.Warning, Message = "Replica {Destination}: {Why}; it drops them and the stream resumes after {After}")]
    private static partial void LogDropping(ILogger logger, string destination, string why, long after);

    private const string ClosedAfterTls = "the replica closed the connection right after the TLS handshake; it most likely does not " +
                                          "trust this node's certificate (not issued by the CA in its [replication.tls] ca)";
}
