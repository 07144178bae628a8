namespace Spartan.Replication.Protocol;

/// <summary>The frame types of the replication protocol (ADR 0007). A number is never reused.</summary>
public enum FrameType : byte
{
    /// <summary>Primary → replica, first frame: protocol version, node id, queue set, challenge.</summary>
    Hello = 1,

    /// <summary>Replica → primary: its version, id, queue set, proof of the secret, own challenge, last applied sequence.</summary>
    HelloReply = 2,

    /// <summary>Primary → replica: the primary's proof of the secret; the stream follows.</summary>
    Welcome = 3,

    /// <summary>Either side: the handshake failed, with the reason; the connection closes.</summary>
    Refused = 4,

    /// <summary>Primary → replica: committed events in order, each with its global sequence.</summary>
    Events = 5,

    /// <summary>Primary → replica: a full snapshot starts (its sequence and how many queues follow).</summary>
    SnapshotBegin = 6,

    /// <summary>Primary → replica: one queue of the snapshot (an encoded queue image).</summary>
    SnapshotQueue = 7,

    /// <summary>Primary → replica: the snapshot is complete.</summary>
    SnapshotEnd = 8,

    /// <summary>Replica → primary: the last sequence it applied and stored.</summary>
    Ack = 9,

    /// <summary>Primary → replica when idle: its committed sequence, so the replica knows the link is alive.</summary>
    Heartbeat = 10,
}

/// <summary>The primary's greeting.</summary>
public sealed record Hello(uint Version, string NodeId, IReadOnlyList<string> Queues, string SettingsDigest, byte[] Challenge);

/// <summary>The replica's answer to <see cref="Hello"/>.</summary>
public sealed record HelloReply(uint Version, string NodeId, IReadOnlyList<string> Queues, string SettingsDigest,
    byte[] Proof, byte[] Challenge, long Applied);

/// <summary>The primary's acceptance, proving it holds the secret too.</summary>
public sealed record Welcome(byte[] Proof);

/// <summary>One replicated event: its global sequence and its stored encoding (ADR 0004).</summary>
public readonly record struct WireEvent(long Sequence, ReadOnlyMemory<byte> Encoded);
