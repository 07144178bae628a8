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

/// <summary>Where one replica stands, as its replicator last saw it; read by logs and metrics.</summary>
public sealed class ReplicaProgress(string destination)
{
    private long _acked;
    private int _connected;
    private double _lagSeconds;

    public string Destination { get; } = destination;
    public long Acked => Volatile.Read(ref _acked);
    public bool Connected => Volatile.Read(ref _connected) == 1;
    public double LagSeconds => Volatile.Read(ref _lagSeconds);

    internal void Connect(bool connected) => Volatile.Write(ref _connected, connected ? 1 : 0);

    internal void Acknowledge(long sequence, double lagSeconds)
    {
        Volatile.Write(ref _acked, sequence);
        Volatile.Write(ref _lagSeconds, lagSeconds);
    }
}
