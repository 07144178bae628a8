using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using NodaTime;
using Polly;
using Polly.CircuitBreaker;
using Polly.Retry;
using Spartan.Engine;
using Spartan.Replication.Protocol;
using Spartan.Replication.Tls;
using Spartan.Replication.Transport;
using Spartan.Storage.Codecs;

namespace Spartan.Replication.Primary;

/// <summary>Streams this primary's committed events to one replica (SPEC §7): connect, handshake, then the events
/// after the replica's position — from memory, from the event log, or a full snapshot when neither holds them — and
/// on, as they are committed.</summary>
/// <remarks>One replicator per destination, each on its own task, so a slow or dead replica never slows clients or
/// the other replicas: it only reads what the commit loop already made durable. Polly wraps each connection attempt
/// (retry with exponential backoff and jitter from <c>try_timer</c>, plus a circuit breaker), never the per-frame
/// loop. Failure of a session (refusal, TLS, timeout, I/O, protocol error) is logged with its reason and the link
/// retried. Until the replica's proof is verified the link is bounded like the replica's end (SPEC §9): the TLS
/// handshake (with <c>[replication.tls]</c>) and the HelloReply read at most 64 KiB and must arrive within
/// <see cref="HandshakeWindow"/> of the TCP connect, timed by the injected <see cref="TimeProvider"/>.</remarks>
public sealed partial class Replicator
{
    private const int EventsPerRead = ProtocolVersion.EventsPerFrame;
    private readonly string _destination;
    private readonly ReplicationSettings _settings;
    private readonly Broker _broker;
    private readonly RetainedEvents _retained;
    private readonly IEventLog _log;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ResiliencePipeline _reconnect;
    private readonly ReplicationTls? _tls;
    private readonly Func<CancellationToken, ValueTask<Stream>> _dial;

    /// <summary>A replicator reaching its replica over TCP.</summary>
    /// <param name="destination">The replica's <c>host:port</c>.</param>
    /// <param name="settings">What this node says of itself in handshakes, and its timers.</param>
    /// <param name="broker">The commit loop: its committed sequence, snapshots, and where acknowledged positions go.</param>
    /// <param name="retained">The newest committed events, tailed first.</param>
    /// <param name="log">The event log, read when the ring no longer holds what the replica needs (log mode).</param>
    /// <param name="storedPosition">Where the replica stood when this node started (0 when unknown).</param>
    /// <param name="time">The clock of timeouts, backoff and lag.</param>
    /// <param name="logger">Where connects, refusals and lag go.</param>
    /// <param name="tls">This node's <c>[replication.tls]</c>, or null for a plaintext link.</param>
    public Replicator(string destination, ReplicationSettings settings, Broker broker, RetainedEvents retained,
        IEventLog log, long storedPosition, TimeProvider time, ILogger logger, ReplicationTls? tls = null)
        : this(destination, SocketTransport.Dialer(destination), settings, broker, retained, log, storedPosition, time, logger, tls)
    {
    }

    /// <summary>A replicator reaching its replica through <paramref name="dial"/> (in-memory pipes in tests).</summary>
    /// <param name="destination">How the replica is named in logs and metrics (its <c>host:port</c> in a node).</param>
    /// <param name="dial">Opens one connection to the replica per call; the stream is owned by the caller.</param>
    /// <param name="settings">What this node says of itself in handshakes, and its timers.</param>
    /// <param name="broker">The commit loop: its committed sequence, snapshots, and where acknowledged positions go.</param>
    /// <param name="retained">The newest committed events, tailed first.</param>
    /// <param name="log">The event log, read when the ring no longer holds what the replica needs (log mode).</param>
    /// <param name="storedPosition">Where the replica stood when this node started (0 when unknown).</param>
    /// <param name="time">The clock of timeouts, backoff and lag.</param>
    /// <param name="logger">Where connects, refusals and lag go.</param>
    /// <param name="tls">This node's <c>[replication.tls]</c>, or null for a plaintext link.</param>
    public Replicator(string destination, Func<CancellationToken, ValueTask<Stream>> dial, ReplicationSettings settings,
        Broker broker, RetainedEvents retained, IEventLog log, long storedPosition, TimeProvider time, ILogger logger,
        ReplicationTls? tls)
    {
        _dial = dial;
        _tls = tls;
        _destination = destination;
        _settings = settings;
        _broker = broker;
        _retained = retained;
        _log = log;
        _time = time;
        _logger = logger;
        Progress = new ReplicaProgress(destination, storedPosition, () => _broker.CommittedSequence, FirstAfter);
        _reconnect = new ResiliencePipelineBuilder { TimeProvider = time }
            .AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = new PredicateBuilder().Handle<Exception>(e => e is not OperationCanceledException),
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = settings.TryTimer,
                MaxDelay = TimeSpan.FromTicks(settings.TryTimer.Ticks * 16),
                MaxRetryAttempts = int.MaxValue,
                OnRetry = args =>
                {
                    LogRetry(_logger, _destination, args.RetryDelay.TotalSeconds, args.Outcome.Exception?.Message ?? "closed");
                    return ValueTask.CompletedTask;
                },
            })
            .AddCircuitBreaker(new CircuitBreakerStrategyOptions
            {
                ShouldHandle = new PredicateBuilder().Handle<Exception>(e => e is not OperationCanceledException),
                FailureRatio = 1.0,
                MinimumThroughput = 5,
                SamplingDuration = TimeSpan.FromTicks(settings.TryTimer.Ticks * 10),
                BreakDuration = TimeSpan.FromTicks(settings.TryTimer.Ticks * 3),
            })
            .Build();
    }

    /// <summary>From the TCP connect to the replica's verified HelloReply, or the attempt fails and is retried.</summary>
    public static readonly TimeSpan HandshakeWindow = TimeSpan.FromSeconds(10);

    public ReplicaProgress Progress { get; }

    public async Task RunAsync(CancellationToken ct)
    {
        try
        {
            await _reconnect.ExecuteAsync(async token =>
            {
                await SessionAsync(token);
                // A session only ends by an error or a stop; a peer that closed cleanly is retried like one.
                throw new IOException("the replica closed the connection");
            }, ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // The node is stopping.
        }
    }

    private async Task SessionAsync(CancellationToken ct)
    {
        var stream = await _dial(ct);
        PeerConnection? connection = null;
        long applied;
        var handedOver = false;
        using (var window = new CancellationTokenSource(HandshakeWindow, _time))
        using (var preAuth = CancellationTokenSource.CreateLinkedTokenSource(ct, window.Token))
        {
            try
            {
                connection = await OpenAsync(stream, preAuth.Token);
                applied = await HandshakeAsync(connection, preAuth.Token);
                handedOver = true;
            }
            catch (OperationCanceledException) when (window.IsCancellationRequested && !ct.IsCancellationRequested)
            {
                // Not an OperationCanceledException: Polly retries every failure but a stop.
                throw new TimeoutException($"the replica did not complete the handshake within {HandshakeWindow.TotalSeconds:F0} s");
            }
            finally
            {
                if (connection is null) await stream.DisposeAsync();
                else if (!handedOver) await connection.DisposeAsync();
            }
        }

        await using var _ = connection;
        Progress.Connect(true);
        LogConnected(_logger, _destination, applied, _broker.CommittedSequence);
        using var session = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var acks = ReadAcksAsync(connection, session.Token);
        var streaming = StreamAsync(connection, applied + 1, session.Token);
        try
        {
            await await Task.WhenAny(streaming, acks); // whichever ends first ends the session, with its error
        }
        finally
        {
            Progress.Connect(false);
            await session.CancelAsync();
            // The one that ended first has thrown already; the other ends by the cancellation or the closed link.
            await EndedAsync(acks);
            await EndedAsync(streaming);
        }
    }

    /// <summary>Waits for a task of an ending session; its cancellation or I/O failure is the expected end, anything else
    /// is logged (it is not the session's reason, which was thrown already).</summary>
    private async Task EndedAsync(Task task)
    {
        try
        {
            await task;
        }
        catch (Exception error) when (error is OperationCanceledException or IOException or SocketException
                                          or ObjectDisposedException or ProtocolException or Framing.FrameException)
        {
            // The session is over; this is how its other half noticed.
        }
        catch (Exception error)
        {
            LogSessionTaskFailed(_logger, _destination, error);
        }
    }

    /// <summary>Sends everything after <paramref name="next"/> − 1, then tails the commits, with heartbeats.</summary>
    private async Task StreamAsync(PeerConnection connection, long next, CancellationToken ct)
    {
        var batch = new List<SequencedEvent>(EventsPerRead);
        var wire = new List<WireEvent>(EventsPerRead);
        var sent = true; // the first time it has nothing to send, say so: the replica then knows it is caught up
        while (!ct.IsCancellationRequested)
        {
            batch.Clear();
            var committed = _broker.CommittedSequence;
            if (next > committed + 1)
            {
                // The replica is ahead of this primary (this node lost data or is another cluster): start it afresh.
                next = await SendSnapshotAsync(connection, ct);
                continue;
            }

            if (!_retained.TryRead(next, EventsPerRead, batch) && !ReadLog(next, batch))
            {
                next = await SendSnapshotAsync(connection, ct);
                continue;
            }

            if (batch.Count > 0)
            {
                wire.Clear();
                foreach (var (sequence, e) in batch) wire.Add(new WireEvent(sequence, EventCodec.Encode(e)));
                await connection.SendAsync(FrameType.Events, o => WireCodec.WriteEvents(wire, o), ct);
                next = batch[^1].Sequence + 1;
                sent = true;
                continue;
            }

            if (sent)
            {
                // Caught up: a heartbeat tells the replica it holds everything committed so far (its health and lag).
                await connection.SendAsync(FrameType.Heartbeat, o => WireCodec.WriteNumbers(o, _broker.CommittedSequence), ct);
                sent = false;
                continue;
            }

            var signal = _retained.WaitAfterAsync(next - 1);
            using var idle = CancellationTokenSource.CreateLinkedTokenSource(ct);
            var beat = Task.Delay(_settings.Heartbeat, _time, idle.Token);
            if (await Task.WhenAny(signal, beat) == beat)
            {
                await beat;
                await connection.SendAsync(FrameType.Heartbeat, o => WireCodec.WriteNumbers(o, _broker.CommittedSequence), ct);
            }
            else
            {
                // A commit won: cancel the heartbeat's timer now rather than leave it to fire long after (thousands of
                // waits a second would otherwise keep thousands of live timers).
                await idle.CancelAsync();
            }
        }
    }

    /// <summary>The instant of the first event after <paramref name="sequence"/>: from the ring, else from the log (log
    /// mode), else the ring's oldest (the one sought is older still).</summary>
    private Instant? FirstAfter(long sequence)
    {
        var retained = _retained.InstantAfter(sequence);
        if (sequence + 1 >= _retained.First || sequence + 1 < _log.FirstSequence) return retained;
        try
        {
            var read = _log.Read(sequence + 1, 1);
            return read.Count > 0 ? read[0].Event.At : retained;
        }
        catch (Exception error) when (error is StoreException or ObjectDisposedException)
        {
            return retained; // a metrics scrape during a stop or a damaged read: the ring's answer is a fair bound
        }
    }

    /// <summary>Reads events the ring no longer holds from the event log (log mode), if it still holds them.</summary>
    private bool ReadLog(long next, List<SequencedEvent> batch)
    {
        if (_log.FirstSequence > next) return false;
        var read = _log.Read(next, EventsPerRead);
        if (read.Count == 0 || read[0].Sequence != next) return false;
        batch.AddRange(read);
        return true;
    }

    private async Task<long> SendSnapshotAsync(PeerConnection connection, CancellationToken ct)
    {
        var image = await _broker.CaptureAsync();
        LogSnapshot(_logger, _destination, image.Sequence);
        connection.Write(FrameType.SnapshotBegin, image, static (i, o) => WireCodec.WriteNumbers(o, i.Sequence, i.Queues.Length));
        foreach (var queue in image.Queues)
        {
            connection.Write(FrameType.SnapshotQueue, queue, static (q, o) => ImageCodec.Write(q, o));
            await connection.FlushAsync(ct);
        }

        await connection.SendAsync(FrameType.SnapshotEnd, static _ => { }, ct);
        return image.Sequence + 1;
    }

    private async Task ReadAcksAsync(PeerConnection connection, CancellationToken ct)
    {
        var lastLogged = _time.GetTimestamp();
        while (!ct.IsCancellationRequested)
        {
            var frame = await connection.ExpectAsync(ct, FrameType.Ack);
            var (acked, _) = WireCodec.ReadNumbers(frame.Payload);
            Progress.Acknowledge(acked);
            _broker.RecordReplicaPosition(_destination, acked);
            if (_time.GetElapsedTime(lastLogged) >= TimeSpan.FromSeconds(10) && _logger.IsEnabled(LogLevel.Information))
            {
                lastLogged = _time.GetTimestamp();
                var seconds = Progress.LagSeconds(Instant.FromDateTimeOffset(_time.GetUtcNow()));
                LogLag(_logger, _destination, acked, Progress.LagEvents, seconds);
            }
        }
    }

    [LoggerMessage(EventId = 45, Level = LogLevel.Error, Message = "Replica {Destination}: a task of the ending session failed")]
    private static partial void LogSessionTaskFailed(ILogger logger, string destination, Exception error);

    [LoggerMessage(EventId = 40, Level = LogLevel.Information, Message = "Replica {Destination} connected at sequence {Applied}; primary at {Committed}")]
    private static partial void LogConnected(ILogger logger, string destination, long applied, long committed);

    [LoggerMessage(EventId = 41, Level = LogLevel.Warning, Message = "Replica {Destination}: {Reason}; retrying in {Seconds:F1} s")]
    private static partial void LogRetry(ILogger logger, string destination, double seconds, string reason);

    [LoggerMessage(EventId = 42, Level = LogLevel.Warning, Message = "Replica {Destination} has different queue settings; replicating anyway")]
    private static partial void LogSettingsDiffer(ILogger logger, string destination);

    [LoggerMessage(EventId = 43, Level = LogLevel.Information, Message = "Replica {Destination} is behind what the log retains; sending a full snapshot at sequence {Sequence}")]
    private static partial void LogSnapshot(ILogger logger, string destination, long sequence);

    [LoggerMessage(EventId = 44, Level = LogLevel.Information, Message = "Replica {Destination} at sequence {Acked}: lag {Events} events, {Seconds:F3} s")]
    private static partial void LogLag(ILogger logger, string destination, long acked, long events, double seconds);
}
