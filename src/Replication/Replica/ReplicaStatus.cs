using NodaTime;

namespace Spartan.Replication.Replica;

/// <summary>How a replica follows its primary (SPEC §8): connected or not, when it last heard from it, and how far behind
/// it is; read by <c>/_/health</c> and metrics from any thread.</summary>
/// <remarks>Written by the session applying the stream. The primary sends a heartbeat with its committed sequence as soon
/// as it has nothing more to send, so "caught up" is known within one round trip. Behind, the lag is the age of the
/// newest applied event (what the replica shows is as of then); disconnected, it is the time since the last contact, or
/// since the replica started when it never had one: the most its reads can be out of date.</remarks>
public sealed class ReplicaStatus(TimeProvider time, Func<long> applied)
{
    /// <summary>A replica further behind than this is not ready (<c>/_/health?ready=1</c> answers 503).</summary>
    public static readonly TimeSpan ReadyLag = TimeSpan.FromSeconds(10);

    private readonly Instant _started = Instant.FromDateTimeOffset(time.GetUtcNow());
    private readonly Lock _lock = new();
    private bool _connected;
    private Instant? _lastContact;
    private Instant? _lastAppliedAt;
    private long _primaryCommitted;

    /// <summary>What the status says at <paramref name="now"/>.</summary>
    public ReplicaView Read(Instant now)
    {
        var held = applied();
        lock (_lock)
        {
            double lag;
            if (!_connected) lag = (now - (_lastContact ?? _started)).TotalSeconds;
            else if (held >= _primaryCommitted) lag = 0;
            else lag = _lastAppliedAt is { } at ? (now - at).TotalSeconds : (now - (_lastContact ?? _started)).TotalSeconds;
            return new ReplicaView(_connected, held, Math.Max(0, lag), _lastContact);
        }
    }

    internal void Connected()
    {
        lock (_lock)
        {
            _connected = true;
            _lastContact = Now();
            // Unknown until the primary's first heartbeat, which it sends as soon as it has sent what it holds.
            _primaryCommitted = long.MaxValue;
        }
    }

    internal void Disconnected()
    {
        lock (_lock) _connected = false;
    }

    /// <summary>A frame arrived and was handled: with the primary's committed sequence (a heartbeat) or the instant of the
    /// newest event it applied.</summary>
    internal void Heard(long? primaryCommitted = null, Instant? lastAppliedAt = null)
    {
        lock (_lock)
        {
            _lastContact = Now();
            if (primaryCommitted is { } committed) _primaryCommitted = committed;
            if (lastAppliedAt is { } at) _lastAppliedAt = at;
        }
    }

    private Instant Now() => Instant.FromDateTimeOffset(time.GetUtcNow());
}

/// <summary>A replica's link to its primary at one instant.</summary>
/// <param name="Connected">A primary's stream is being applied.</param>
/// <param name="Applied">The last sequence applied and stored.</param>
/// <param name="LagSeconds">How far behind its primary it is, as far as it can tell.</param>
/// <param name="LastContact">When it last heard from its primary, or null when never.</param>
public readonly record struct ReplicaView(bool Connected, long Applied, double LagSeconds, Instant? LastContact);
