using NodaTime;

namespace Spartan.Replication;

/// <summary>What both ends of a replication link need to know about this node (SPEC §4 <c>[replication]</c>).</summary>
/// <param name="NodeId">How this node names itself in handshakes and logs.</param>
/// <param name="Queues">The declared queue names, compared in the handshake.</param>
/// <param name="SettingsDigest">A digest of the queue settings, compared only to warn.</param>
/// <param name="Secret">The shared secret, or null for none.</param>
/// <param name="TryTimer">Base delay of the reconnect backoff.</param>
/// <param name="Heartbeat">Longest gap between two frames on an idle link (<c>replication_timer</c>).</param>
public sealed record ReplicationSettings(string NodeId, IReadOnlyList<string> Queues, string SettingsDigest, string? Secret,
    TimeSpan TryTimer, TimeSpan Heartbeat);

/// <summary>Where one replica stands, as its replicator last saw it; read by logs, metrics and health from any thread.</summary>
/// <remarks>Its lag is worked out when asked, from the instant of the oldest event the replica has not acknowledged, so
/// it keeps growing while the replica is down or stuck (SPEC §8), rather than freezing at its last acknowledgement.</remarks>
public sealed class ReplicaProgress
{
    private readonly Func<long> _committed;
    private readonly Func<long, Instant?> _firstAfter;
    private long _acked;
    private int _connected;

    /// <param name="destination">The replica's address, as configured.</param>
    /// <param name="acked">Where the replica stood when this node started (its stored position), 0 when unknown.</param>
    /// <param name="committed">This node's committed sequence.</param>
    /// <param name="firstAfter">The instant of the oldest committed event after a sequence, or the oldest one this node
    /// still knows of when that one is gone; null when there is none.</param>
    public ReplicaProgress(string destination, long acked, Func<long> committed, Func<long, Instant?> firstAfter)
    {
        Destination = destination;
        _acked = acked;
        _committed = committed;
        _firstAfter = firstAfter;
    }

    public string Destination { get; }
    public long Acked => Volatile.Read(ref _acked);
    public bool Connected => Volatile.Read(ref _connected) == 1;

    /// <summary>Committed events the replica has not acknowledged.</summary>
    public long LagEvents => Math.Max(0, _committed() - Acked);

    /// <summary>The age, at <paramref name="now"/>, of the oldest committed event the replica has not acknowledged; 0 when
    /// it has them all.</summary>
    public double LagSeconds(Instant now)
    {
        var acked = Acked;
        if (acked >= _committed() || _firstAfter(acked) is not { } oldest) return 0;
        return Math.Max(0, (now - oldest).TotalSeconds);
    }

    internal void Connect(bool connected) => Volatile.Write(ref _connected, connected ? 1 : 0);

    /// <summary>Told of every acknowledgement, on the replicator's task (cluster mode: what <c>ack = "replica"</c> waits
    /// for). Set before the replicator runs.</summary>
    public Action<long>? OnAcknowledged { get; set; }

    internal void Acknowledge(long sequence)
    {
        Volatile.Write(ref _acked, sequence);
        OnAcknowledged?.Invoke(sequence);
    }
}
