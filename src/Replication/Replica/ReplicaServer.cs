using System.Net.Sockets;
using System.Net;
using System.Security.Authentication;
using Microsoft.Extensions.Logging;
using Spartan.Engine;
using Spartan.Replication.Framing;
using Spartan.Replication.Protocol;
using Spartan.Replication.Tls;
using Spartan.Replication.Transport;

namespace Spartan.Replication.Replica;

/// <summary>The replica's end (SPEC §7): listens for its primary, checks the handshake, and applies the stream in
/// order, exactly once, through this node's own commit loop and storage, acknowledging its position.</summary>
/// <remarks>One accept loop; one session task per connection, one stream applied at a time (a new connection from
/// the primary replaces a stale one). Once authenticated, the replica tells the primary its history and checks the
/// primary's plan (ADR 0012): it refuses a stale primary, and never applies an event of another history. A session's
/// failure — garbage, a peer of another protocol, a refused handshake, a stale primary,
/// a TLS failure, a dropped link — is logged with its reason and closes only that connection; the replica keeps
/// serving reads and keeps listening. Until its handshake is authenticated a connection is bounded (SPEC §9): at most
/// <see cref="MaxUnauthenticated"/> such connections at once (more are closed at accept), 64 KiB per frame and for
/// the TLS handshake, and <see cref="HandshakeWindow"/> from accept, timed by the injected <see cref="TimeProvider"/>.
/// Events carry the primary's sequence numbers and are applied only when they follow the last applied one, so a
/// resend after a reconnect is skipped, never applied twice.</remarks>
public sealed partial class ReplicaServer(IReplicationListener listener, ReplicationSettings settings, Broker broker,
    ILogger logger, ReplicationTls? tls, TimeProvider time) : IDisposable
{
    /// <summary>A replica server listening on TCP at <paramref name="listen"/>.</summary>
    public ReplicaServer(IPEndPoint listen, ReplicationSettings settings, Broker broker, ILogger logger,
        ReplicationTls? tls = null, TimeProvider? time = null)
        : this(new SocketListener(listen, MaxUnauthenticated), settings, broker, logger, tls, time ?? TimeProvider.System)
    {
    }

    /// <summary>Connections whose handshake is not authenticated yet, held at once; more are closed at accept.</summary>
    public const int MaxUnauthenticated = 16;

    /// <summary>From accept to an authenticated handshake (TLS included), or the peer is dropped.</summary>
    public static readonly TimeSpan HandshakeWindow = TimeSpan.FromSeconds(10);

    private readonly TimeProvider _time = time;
    private ReplicaStatus? _status;
    private readonly SemaphoreSlim _streaming = new(1, 1);
    private CancellationTokenSource? _current;
    private bool _bound;
    private int _unauthenticated;

    /// <summary>Starts listening (throws when the address is in use), before serving starts.</summary>
    public void Bind()
    {
        listener.Start();
        _bound = true;
    }

    public EndPoint? LocalEndPoint => listener.LocalEndPoint;

    /// <summary>How this replica follows its primary, for health and metrics.</summary>
    public ReplicaStatus Status => _status ??= new ReplicaStatus(_time, () => broker.CommittedSequence);

    /// <summary>Accepted connections not authenticated yet; each already has its handshake window running.</summary>
    internal int Unauthenticated => Volatile.Read(ref _unauthenticated);

    public void Dispose()
    {
        listener.Dispose();
        _streaming.Dispose();
    }

    /// <summary>Serves primaries until <paramref name="ct"/> ends, applying through the commit loop.</summary>
    public async Task RunAsync(CancellationToken ct)
    {
        if (!_bound) throw new InvalidOperationException("Bind first.");
        var sessions = new List<Task>();
        try
        {
            while (!ct.IsCancellationRequested)
            {
                var link = await listener.AcceptAsync(ct);
                sessions.RemoveAll(Ended);
                // Only this loop takes slots, so checking then taking cannot overshoot.
                if (Volatile.Read(ref _unauthenticated) >= MaxUnauthenticated)
                {
                    TurnAway(link);
                    continue;
                }

                // The window starts at accept, before the slot is counted, so whoever sees the count sees its timer.
                var window = new CancellationTokenSource(HandshakeWindow, _time);
                Interlocked.Increment(ref _unauthenticated);
                sessions.Add(SessionAsync(link, window, ct));
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // The node is stopping.
        }
        finally
        {
            listener.Dispose();
            foreach (var session in sessions)
            {
                try
                {
                    await session;
                }
                catch (Exception error)
                {
                    // A session catches what it expects; anything else is a bug worth a line, not silence.
                    LogSessionFailed(logger, error);
                }
            }
        }
    }

    private async Task SessionAsync(IncomingLink link, CancellationTokenSource window, CancellationToken ct)
    {
        await Task.Yield(); // off the accept loop
        var remote = link.Remote;
        using var mine = CancellationTokenSource.CreateLinkedTokenSource(ct);
        using var preAuth = CancellationTokenSource.CreateLinkedTokenSource(mine.Token, window.Token);
        var slot = 1;
        PeerConnection? connection = null;
        var holding = false;
        try
        {
            connection = await OpenAsync(link, preAuth.Token);
            // Only a peer that passed the handshake may replace the stream in progress (a primary reconnecting after
            // a cut); anyone else connecting is dropped without disturbing it.
            var primary = await HandshakeAsync(connection, preAuth.Token);
            connection.Authenticated();
            FreeSlot(ref slot);
            if (Interlocked.Exchange(ref _current, mine) is { } previous) await CancelQuietlyAsync(previous);
            await _streaming.WaitAsync(mine.Token);
            holding = true;
            // Holding the stream, so what this replica holds cannot change until the plan is agreed.
            var plan = await AgreeAsync(connection, primary, mine.Token);
            LogConnected(logger, remote, broker.CommittedSequence);
            Status.Connected();
            await ApplyStreamAsync(connection, plan, mine.Token);
        }
        catch (OperationCanceledException) when (mine.IsCancellationRequested)
        {
            // Replaced by a newer connection, or stopping.
        }
        catch (OperationCanceledException) when (slot == 1 && window.IsCancellationRequested)
        {
            LogDropped(logger, remote, $"no authenticated handshake within {HandshakeWindow.TotalSeconds:F0} s");
        }
        catch (Exception error) when (error is ProtocolException or FrameException or HandshakeRefusedException
                                          or TlsHandshakeException or AuthenticationException or IOException
                                          or SocketException or OperationCanceledException or StorageUnavailableException
                                          or NotPrimaryException) // a cluster node that now leads takes no stream
        {
            LogDropped(logger, remote, error.Message);
        }
        finally
        {
            FreeSlot(ref slot);
            window.Dispose();
            // The stream is handed on before the connection is closed: closing a dead link can throw, and must never
            // keep the next primary's session waiting for the stream.
            Interlocked.CompareExchange(ref _current, null, mine);
            if (holding)
            {
                Status.Disconnected();
                _streaming.Release();
            }

            await CloseQuietlyAsync(connection, link.Stream);
        }
    }

    /// <summary>True for a finished session, which is dropped from the list; one that failed unexpectedly is logged.</summary>
    private bool Ended(Task session)
    {
        if (session.IsFaulted) LogSessionFailed(logger, session.Exception!.GetBaseException());
        return session.IsCompleted;
    }

    private static async Task CloseQuietlyAsync(PeerConnection? connection, Stream stream)
    {
        try
        {
            if (connection is not null) await connection.DisposeAsync();
            else await stream.DisposeAsync();
        }
        catch (Exception error) when (error is IOException or SocketException or ObjectDisposedException or AuthenticationException)
        {
            // The peer is gone; what was left to flush has nowhere to go.
            await stream.DisposeAsync();
        }
    }

    private void FreeSlot(ref int slot)
    {
        if (Interlocked.Exchange(ref slot, 0) == 1) Interlocked.Decrement(ref _unauthenticated);
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

    /// <summary>Hello, HelloReply, Welcome; returns the primary's node id once it proved itself.</summary>
    private async Task<string> HandshakeAsync(PeerConnection connection, CancellationToken ct)
    {
        var first = await FirstFrameAsync(connection, ct);
        if ((FrameType)first.Type == FrameType.Refused)
            throw new HandshakeRefusedException($"the primary refused: {WireCodec.ReadText(first.Payload)}");
        var hello = WireCodec.ReadHello(first.Payload);
        if (Handshake.Incompatibility(ProtocolVersion.Current, settings.Queues, hello.Version, hello.Queues) is { } problem)
        {
            await connection.RefuseAsync(problem, ct);
            throw new HandshakeRefusedException($"refused primary {hello.NodeId}: {problem}");
        }

        if (hello.SettingsDigest != settings.SettingsDigest) LogSettingsDiffer(logger, hello.NodeId);
        var challenge = Handshake.NewChallenge();
        var reply = new HelloReply(ProtocolVersion.Current, settings.NodeId, settings.Queues, settings.SettingsDigest,
            Handshake.ReplicaProof(settings.Secret, hello.Challenge), challenge, broker.CommittedSequence);
        await connection.SendAsync(FrameType.HelloReply, o => WireCodec.Write(reply, o), ct);

        var frame = await connection.ExpectAsync(ct, FrameType.Welcome, FrameType.Refused);
        if ((FrameType)frame.Type == FrameType.Refused)
            throw new HandshakeRefusedException($"primary {hello.NodeId} refused: {WireCodec.ReadText(frame.Payload)}");
        if (!Handshake.Matches(Handshake.PrimaryProof(settings.Secret, challenge), WireCodec.ReadWelcome(frame.Payload).Proof))
            throw new HandshakeRefusedException($"primary {hello.NodeId} does not hold the same replication secret");
        return hello.NodeId;
    }

    [LoggerMessage(EventId = 56, Level = LogLevel.Error, Message = "A replication session ended with an unexpected error")]
    private static partial void LogSessionFailed(ILogger logger, Exception error);

    [LoggerMessage(EventId = 50, Level = LogLevel.Information, Message = "Primary {Remote} connected; this replica is at sequence {Applied}")]
    private static partial void LogConnected(ILogger logger, string remote, long applied);

    [LoggerMessage(EventId = 51, Level = LogLevel.Warning, Message = "Dropped the replication connection from {Remote}: {Reason}")]
    private static partial void LogDropped(ILogger logger, string remote, string reason);

    [LoggerMessage(EventId = 52, Level = LogLevel.Warning, Message = "Primary {Primary} has different queue settings; replicating anyway")]
    private static partial void LogSettingsDiffer(ILogger logger, string primary);


}
