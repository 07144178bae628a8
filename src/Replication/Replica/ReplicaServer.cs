using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Spartan.Domain;
using Spartan.Domain.Events;
using Spartan.Replication.Framing;
using Spartan.Replication.Protocol;
using Spartan.Storage;
using Spartan.Storage.Codecs;
using Spartan.Storage.Rocks;

namespace Spartan.Replication.Replica;

/// <summary>The replica's end (SPEC §7): listens for its primary, checks the handshake, and applies the stream in
/// order, exactly once, through this node's own commit loop and storage, acknowledging its position.</summary>
/// <remarks>One accept loop; one session at a time (a new connection from the primary replaces a stale one). A
/// session's failure — garbage, a peer of another protocol, a refused handshake, a dropped link — is logged with
/// its reason and closes only that connection; the replica keeps serving reads and keeps listening. Events carry
/// the primary's sequence numbers and are applied only when they follow the last applied one, so a resend after a
/// reconnect is skipped, never applied twice.</remarks>
public sealed partial class ReplicaServer(IPEndPoint listen, ReplicationSettings settings, RocksStore? store, ILogger logger)
    : IDisposable
{
    private readonly SemaphoreSlim _streaming = new(1, 1);
    private CancellationTokenSource? _current;
    private Broker _broker = null!;
    private static readonly TimeSpan HandshakeTimeout = TimeSpan.FromSeconds(10);
    private Socket? _listener;

    /// <summary>Binds the listening socket (throws when the address is in use), before serving starts.</summary>
    public void Bind()
    {
        _listener = new Socket(listen.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        _listener.Bind(listen);
        _listener.Listen(16);
    }

    public EndPoint? LocalEndPoint => _listener?.LocalEndPoint;

    public void Dispose()
    {
        _listener?.Dispose();
        _streaming.Dispose();
    }

    /// <summary>Serves primaries until <paramref name="ct"/> ends, applying through <paramref name="broker"/>.</summary>
    public async Task RunAsync(Broker broker, CancellationToken ct)
    {
        _broker = broker;
        var listener = _listener ?? throw new InvalidOperationException("Bind first.");
        var sessions = new List<Task>();
        try
        {
            while (!ct.IsCancellationRequested)
            {
                var socket = await listener.AcceptAsync(ct);
                sessions.RemoveAll(static t => t.IsCompleted);
                sessions.Add(SessionAsync(new PeerConnection(socket), ct));
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // The node is stopping.
        }
        finally
        {
            listener.Dispose();
            await Task.WhenAll(sessions).ContinueWith(static _ => { }, TaskScheduler.Default);
        }
    }

    private async Task SessionAsync(PeerConnection connection, CancellationToken ct)
    {
        await using var _ = connection;
        var remote = connection.Remote;
        using var mine = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var holding = false;
        try
        {
            // Only a peer that passed the handshake may replace the stream in progress (a primary reconnecting after
            // a cut); anyone else connecting is dropped without disturbing it.
            await HandshakeAsync(connection, mine.Token);
            if (Interlocked.Exchange(ref _current, mine) is { } previous) await CancelQuietlyAsync(previous);
            await _streaming.WaitAsync(mine.Token);
            holding = true;
            LogConnected(logger, remote, _broker.CommittedSequence);
            await ApplyStreamAsync(connection, mine.Token);
        }
        catch (OperationCanceledException) when (mine.IsCancellationRequested)
        {
            // Replaced by a newer connection, or stopping.
        }
        catch (Exception error) when (error is ProtocolException or FrameException or HandshakeRefusedException
                                          or IOException or SocketException or OperationCanceledException
                                          or StorageUnavailableException)
        {
            LogDropped(logger, remote, error.Message);
        }
        finally
        {
            Interlocked.CompareExchange(ref _current, null, mine);
            if (holding) _streaming.Release();
        }
    }

    private static async Task CancelQuietlyAsync(CancellationTokenSource source)
    {
        try
        {
            await source.CancelAsync();
        }
        catch (ObjectDisposedException)
        {
            // That session already ended.
        }
    }

    private async Task HandshakeAsync(PeerConnection connection, CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(HandshakeTimeout);
        Hello hello;
        try
        {
            hello = WireCodec.ReadHello((await connection.ExpectAsync(timeout.Token, FrameType.Hello)).Payload);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new ProtocolException("no handshake within 10 s");
        }

        if (Handshake.Incompatibility(ProtocolVersion.Current, settings.Queues, hello.Version, hello.Queues) is { } problem)
        {
            await connection.RefuseAsync(problem, ct);
            throw new HandshakeRefusedException($"refused primary {hello.NodeId}: {problem}");
        }

        if (hello.SettingsDigest != settings.SettingsDigest) LogSettingsDiffer(logger, hello.NodeId);
        var challenge = Handshake.NewChallenge();
        var reply = new HelloReply(ProtocolVersion.Current, settings.NodeId, settings.Queues, settings.SettingsDigest,
            Handshake.ReplicaProof(settings.Secret, hello.Challenge), challenge, _broker.CommittedSequence);
        await connection.SendAsync(FrameType.HelloReply, o => WireCodec.Write(reply, o), ct);

        var frame = await connection.ExpectAsync(timeout.Token, FrameType.Welcome, FrameType.Refused);
        if ((FrameType)frame.Type == FrameType.Refused)
            throw new HandshakeRefusedException($"primary {hello.NodeId} refused: {WireCodec.ReadText(frame.Payload)}");
        if (!Handshake.Matches(Handshake.PrimaryProof(settings.Secret, challenge), WireCodec.ReadWelcome(frame.Payload).Proof))
            throw new HandshakeRefusedException($"primary {hello.NodeId} does not hold the same replication secret");
    }

    private async Task ApplyStreamAsync(PeerConnection connection, CancellationToken ct)
    {
        var events = new List<SequencedEvent>(ProtocolVersion.EventsPerFrame);
        while (await connection.ReadAsync(ct) is { } frame)
        {
            long applied;
            switch ((FrameType)frame.Type)
            {
                case FrameType.Events:
                    events.Clear();
                    foreach (var (sequence, encoded) in WireCodec.ReadEvents(frame.Payload))
                        events.Add(new SequencedEvent(sequence, Decode(encoded)));
                    var result = await _broker.ApplyReplicatedAsync(events);
                    if (result.Problem is { } problem) throw new ProtocolException(problem);
                    applied = result.Applied;
                    break;
                case FrameType.SnapshotBegin:
                    applied = await InstallSnapshotAsync(connection, frame, ct);
                    break;
                case FrameType.Heartbeat:
                    applied = _broker.CommittedSequence;
                    break;
                default:
                    throw new ProtocolException($"Unexpected frame type {frame.Type} in the stream.");
            }

            await connection.SendAsync(FrameType.Ack, o => WireCodec.WriteNumbers(o, applied), ct);
        }

        throw new IOException("the primary closed the connection");
    }

    private async Task<long> InstallSnapshotAsync(PeerConnection connection, Framing.Frame begin, CancellationToken ct)
    {
        var (sequence, count) = WireCodec.ReadNumbers(begin.Payload);
        if (count is < 0 or > 100_000) throw new ProtocolException($"Implausible snapshot of {count} queues.");
        var queues = new QueueImage[count];
        for (var i = 0; i < count; i++)
        {
            var frame = await connection.ExpectAsync(ct, FrameType.SnapshotQueue);
            queues[i] = DecodeImage(System.Buffers.BuffersExtensions.ToArray(frame.Payload));
        }

        await connection.ExpectAsync(ct, FrameType.SnapshotEnd);
        var image = new StateImage(sequence, queues);
        store?.Snapshots.ReplaceAll(image);
        var installed = await _broker.InstallSnapshotAsync(image);
        var messages = 0;
        foreach (var queue in queues) messages += queue.Messages.Length;
        LogInstalled(logger, sequence, messages);
        return installed;
    }

    private static QueueEvent Decode(ReadOnlyMemory<byte> encoded)
    {
        try
        {
            return EventCodec.Decode(encoded);
        }
        catch (CodecException error)
        {
            throw new ProtocolException($"An event does not decode: {error.Message}", error);
        }
    }

    private static QueueImage DecodeImage(byte[] encoded)
    {
        try
        {
            return ImageCodec.Decode(encoded);
        }
        catch (CodecException error)
        {
            throw new ProtocolException($"A snapshot queue does not decode: {error.Message}", error);
        }
    }

    [LoggerMessage(EventId = 50, Level = LogLevel.Information, Message = "Primary {Remote} connected; this replica is at sequence {Applied}")]
    private static partial void LogConnected(ILogger logger, string remote, long applied);

    [LoggerMessage(EventId = 51, Level = LogLevel.Warning, Message = "Dropped the replication connection from {Remote}: {Reason}")]
    private static partial void LogDropped(ILogger logger, string remote, string reason);

    [LoggerMessage(EventId = 52, Level = LogLevel.Warning, Message = "Primary {Primary} has different queue settings; replicating anyway")]
    private static partial void LogSettingsDiffer(ILogger logger, string primary);

    [LoggerMessage(EventId = 53, Level = LogLevel.Information, Message = "Installed the primary's snapshot at sequence {Sequence} ({Messages} messages)")]
    private static partial void LogInstalled(ILogger logger, long sequence, int messages);
}
