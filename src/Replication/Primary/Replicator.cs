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

namespace Spartan.Replication.Primary;

/// <summary>Streams this primary's committed events to one replica (SPEC §7): connect, handshake, agree from the
/// replica's history where its stream resumes (ADR 0012), then the events after that — from memory, from the event log,
/// or a full snapshot when neither holds them — and on, as they are committed.</summary>
/// <remarks>One replicator per destination, each on its own task, so a slow or dead replica never slows clients or
/// the other replicas: it only reads what the commit loop already made durable. Polly wraps each connection attempt
/// until the replica accepted the plan (retry with exponential backoff and jitter from <c>try_timer</c>, plus a circuit
/// breaker), never the per-frame loop; a link lost once established is logged and tried again after <c>try_timer</c>,
/// with the backoff started afresh. Failure of an attempt (refusal, TLS, timeout, I/O, protocol error) is logged with its
/// reason and retried. Until the replica is authenticated the link is bounded like the replica's end (SPEC §9): the TLS
/// handshake (with <c>[replication.tls]</c>), the HelloReply and the replica's history read at most 64 KiB and must
/// arrive within <see cref="HandshakeWindow"/> of the connect, timed by the injected <see cref="TimeProvider"/>.</remarks>
public sealed partial class Replicator
{
    private const int EventsPerRead = ProtocolVersion.EventsPerFrame;
    private const int CircuitFailures = 5;
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
                MinimumThroughput = CircuitFailures,
                // Five failed attempts in a row fall within 30 × try_timer whatever the jitter (at most ~11.4 × in all),
                // so a burst of failures always opens it; at 10 × it opened only about four times in five.
                SamplingDuration = TimeSpan.FromTicks(settings.TryTimer.Ticks * 30),
                BreakDuration = TimeSpan.FromTicks(settings.TryTimer.Ticks * 3),
                OnOpened = args =>
                {
                    LogCircuitOpen(_logger, _destination, CircuitFailures, args.BreakDuration.TotalSeconds);
                    return ValueTask.CompletedTask;
                },
            })
            .Build();
    }

    /// <summary>From the connect to the replica's history (after its verified HelloReply), or the attempt fails and is
    /// retried.</summary>
    public static readonly TimeSpan HandshakeWindow = TimeSpan.FromSeconds(10);

    public ReplicaProgress Progress { get; }

    public async Task RunAsync(CancellationToken ct)
    {
        try
        {
            while (true)
            {
                // One round of attempts ends once a link was established and then lost: the next round's backoff starts
                // afresh, so a replica back after a short cut is not kept waiting for the longest delay an old outage
                // reached. One try_timer between rounds keeps a link that breaks as soon as it is made from spinning.
                await _reconnect.ExecuteAsync(AttemptAsync, ct);
                await Task.Delay(_settings.TryTimer, _time, ct);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // The node is stopping.
        }
    }

    /// <summary>One attempt: throws (and is retried with backoff) until the replica accepted the plan; once it has, the
    /// session runs until the link fails, which is logged, and the attempt returns.</summary>
    private async ValueTask AttemptAsync(CancellationToken ct)
    {
        var (connection, decision, position) = await EstablishAsync(ct);
        await using var _ = connection;
        Progress.Connect(true);
        LogConnected(_logger, _destination, position, _broker.CommittedSequence);
        using var session = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var acks = ReadAcksAsync(connection, session.Token);
        var streaming = decision.Action == PlanAction.Snapshot
            ? StreamAfterSnapshotAsync(connection, decision.Why, session.Token)
            : StreamAsync(connection, decision.After + 1, session.Token);
        try
        {
            await await Task.WhenAny(streaming, acks); // whichever ends first ends the session, with its error
            ct.ThrowIfCancellationRequested();
            throw new IOException("the replica closed the connection");
        }
        catch (Exception error) when (!ct.IsCancellationRequested)
        {
            LogLost(_logger, _destination, error.Message, _settings.TryTimer.TotalSeconds);
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

    private async Task StreamAfterSnapshotAsync(PeerConnection connection, string why, CancellationToken ct) =>
        await StreamAsync(connection, await SendSnapshotAsync(connection, why, ct), ct);

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

    [LoggerMessage(EventId = 49, Level = LogLevel.Warning, Message = "Replica {Destination}: {Failures} attempts failed in a row; no attempt for {Seconds:F1} s")]
    private static partial void LogCircuitOpen(ILogger logger, string destination, int failures, double seconds);

    [LoggerMessage(EventId = 48, Level = LogLevel.Warning, Message = "Replica {Destination}: the link was lost ({Reason}); reconnecting in {Seconds:F1} s")]
    private static partial void LogLost(ILogger logger, string destination, string reason, double seconds);

    [LoggerMessage(EventId = 45, Level = LogLevel.Error, Message = "Replica {Destination}: a task of the ending session failed")]
    private static partial void LogSessionTaskFailed(ILogger logger, string destination, Exception error);

    [LoggerMessage(EventId = 40, Level = LogLevel.Information, Message = "Replica {Destination} connected at sequence {Applied}; primary at {Committed}")]
    private static partial void LogConnected(ILogger logger, string destination, long applied, long committed);

    [LoggerMessage(EventId = 41, Level = LogLevel.Warning, Message = "Replica {Destination}: {Reason}; retrying in {Seconds:F1} s")]
    private static partial void LogRetry(ILogger logger, string destination, double seconds, string reason);

    [LoggerMessage(EventId = 42, Level = LogLevel.Warning, Message = "Replica {Destination} has different queue settings; replicating anyway")]
    private static partial void LogSettingsDiffer(ILogger logger, string destination);

    [LoggerMessage(EventId = 44, Level = LogLevel.Information, Message = "Replica {Destination} at sequence {Acked}: lag {Events} events, {Seconds:F3} s")]
    private static partial void LogLag(ILogger logger, string destination, long acked, long events, double seconds);
}
