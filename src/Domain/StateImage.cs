using NodaTime;

namespace Spartan.Domain;

/// <summary>Every field of one <see cref="Message"/>, copied so that it can be encoded away from the commit loop.</summary>
/// <remarks><see cref="Attributes"/> is shared, not copied: the domain never changes an attribute map after a
/// message is made, so sharing keeps <see cref="QueueSet.Capture"/> cheap.</remarks>
public readonly record struct MessageImage(
    Guid Id,
    MessageBody Body,
    int OffsetSeconds,
    byte Priority,
    IReadOnlyDictionary<string, string> Attributes,
    uint MaxTries,
    uint Timeout,
    uint? Delay,
    Instant DispatchedAt,
    MessageStatus Status,
    uint Tries,
    Instant? ObtainedAt,
    Receipt? LatestReceipt,
    Instant VisibleAt,
    long Sequence,
    uint? ReservationTimeout = null,
    Instant? FirstObtainedAt = null);

/// <summary>One queue as it was at a sequence number: its messages and the counters replay depends on.</summary>
/// <param name="Name">The queue's name; its definition comes from the configuration, not from the image.</param>
/// <param name="NextSequence">The per-queue arrival counter, so restored and live queues number alike.</param>
/// <param name="Messages">Every message, in no particular order.</param>
/// <param name="PromotedUntil">The instant up to which delayed messages were moved into the visible line, or
/// null when never. Kept because a clock that stepped back must not change which line a restored message is in.</param>
public sealed record QueueImage(string Name, long NextSequence, MessageImage[] Messages, Instant? PromotedUntil)
{
    /// <summary>The queue's settings (SPEC §10), or null in images older than runtime queues (the configuration's apply).</summary>
    public QueueSettings? Settings { get; init; }

    /// <summary>When the queue was first recorded as created, or null.</summary>
    public Instant? CreatedAt { get; init; }

    /// <summary>When its settings were last recorded, or null.</summary>
    public Instant? ChangedAt { get; init; }
}

/// <summary>Every queue of a node as it was right after the event numbered <paramref name="Sequence"/>.</summary>
public sealed record StateImage(long Sequence, QueueImage[] Queues)
{
    /// <summary>When it was captured, if known (a snapshot says when it was taken; <c>dump</c> shows it).</summary>
    public Instant? TakenAt { get; init; }
}
