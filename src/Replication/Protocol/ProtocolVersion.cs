namespace Spartan.Replication.Protocol;

/// <summary>Constants both ends must agree on.</summary>
public static class ProtocolVersion
{
    /// <summary>The version this build speaks; a peer of another version is refused with a clear reason. 2: history
    /// identity (the <see cref="FrameType.History"/> and <see cref="FrameType.Plan"/> frames after the handshake).</summary>
    public const uint Current = 2;

    /// <summary>No frame may be larger: a snapshot travels one queue per frame, so this bounds a queue's image.</summary>
    public const int MaxFrame = 256 * 1024 * 1024;

    /// <summary>No frame may be larger while the handshake is not authenticated (SPEC §9), so an unknown peer costs
    /// at most this much buffer; a Hello (the queue-name list) must fit.</summary>
    public const int MaxFrameBeforeAuth = 64 * 1024;

    /// <summary>How many events one <see cref="FrameType.Events"/> frame carries at most.</summary>
    public const int EventsPerFrame = 1024;
}
