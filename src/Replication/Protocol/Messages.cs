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

    /// <summary>Replica → primary, right after <see cref="Welcome"/>: its history (id, epochs), the sequence it has
    /// applied, and the lowest sequence it can go back to.</summary>
    History = 11,

    /// <summary>Primary → replica, the answer to <see cref="History"/>: the primary's history and committed sequence,
    /// and how the stream resumes — after the replica's position, after dropping what diverged, or with a full snapshot.
    /// The replica answers <see cref="Ack"/> (it accepted, at that sequence) or <see cref="Refused"/> (a stale primary).</summary>
    Plan = 12,
}

/// <summary>The primary's greeting.</summary>
public sealed record Hello(uint Version, string NodeId, IReadOnlyList<string> Queues, string SettingsDigest, byte[] Challenge);

/// <summary>The replica's answer to <see cref="Hello"/>.</summary>
public sealed record HelloReply(uint Version, string NodeId, IReadOnlyList<string> Queues, string SettingsDigest,
    byte[] Proof, byte[] Challenge, long Applied);

/// <summary>The primary's acceptance, proving it holds the secret too.</summary>
public sealed record Welcome(byte[] Proof);

/// <summary>What the replica holds, sent once authenticated: the primary decides from it how the stream resumes.</summary>
/// <param name="History">The replica's history id and the epochs it holds events of.</param>
/// <param name="Applied">The last sequence it applied and stored.</param>
/// <param name="Floor">The lowest sequence it can go back to and rebuild its state from (its snapshot's, in log mode;
/// its applied sequence when it keeps no log).</param>
public sealed record ReplicaHistory(Spartan.Engine.History History, long Applied, long Floor);

/// <summary>How a stream resumes (ADR 0012).</summary>
public enum PlanAction : byte
{
    /// <summary>The replica's events are all in the primary's history: the stream goes on after <see cref="Plan.After"/>.</summary>
    Stream = 1,

    /// <summary>The replica drops its events after <see cref="Plan.After"/> (they diverge), then the stream goes on.</summary>
    Truncate = 2,

    /// <summary>A full snapshot comes first: another history, or one the replica cannot go back far enough in.</summary>
    Snapshot = 3,
}

/// <summary>The primary's plan for a session, and its history for the replica to check and record.</summary>
/// <param name="Action">How the stream resumes.</param>
/// <param name="After">The sequence the stream resumes after (<see cref="PlanAction.Stream"/>,
/// <see cref="PlanAction.Truncate"/>); 0 before a snapshot.</param>
/// <param name="Committed">The primary's committed sequence when it decided.</param>
/// <param name="History">The primary's history id and epochs.</param>
public sealed record Plan(PlanAction Action, long After, long Committed, Spartan.Engine.History History);

/// <summary>One replicated event: its global sequence and its stored encoding (ADR 0004).</summary>
public readonly record struct WireEvent(long Sequence, ReadOnlyMemory<byte> Encoded);
