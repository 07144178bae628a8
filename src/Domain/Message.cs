using NodaTime;

namespace Spartan.Domain;

/// <summary>A message held by a <see cref="Queue"/>; mutated only by the queue while it applies events.</summary>
public sealed class Message
{
    internal Message(
        Guid id, string body, int offsetSeconds, byte priority, IReadOnlyDictionary<string, string> attributes,
        uint maxTries, uint timeout, uint? delay, Instant dispatchedAt)
    {
        Id = id;
        Body = body;
        OffsetSeconds = offsetSeconds;
        Priority = priority;
        Attributes = attributes;
        MaxTries = maxTries;
        Timeout = timeout;
        Delay = delay;
        DispatchedAt = dispatchedAt;
        VisibleAt = delay is { } d ? dispatchedAt + Duration.FromSeconds(d) : dispatchedAt;
    }

    public Guid Id { get; }
    public string Body { get; }

    /// <summary>The client's time-zone offset in seconds; it only changes how times are shown.</summary>
    public int OffsetSeconds { get; }

    public byte Priority { get; }
    public IReadOnlyDictionary<string, string> Attributes { get; }
    public uint MaxTries { get; }
    public uint Timeout { get; internal set; }

    /// <summary>The delay in seconds the push (or the queue's settings) gave, or null when none did.</summary>
    public uint? Delay { get; }

    public Instant DispatchedAt { get; }
    public MessageStatus Status { get; internal set; }
    public uint Tries { get; internal set; }
    public Instant? ObtainedAt { get; internal set; }

    /// <summary>The latest receipt: kept through expiry and touch, dropped by requeue (SPEC §2.3).</summary>
    public Receipt? LatestReceipt { get; internal set; }

    /// <summary>The instant the message became (or becomes) visible most recently; orders pops.</summary>
    public Instant VisibleAt { get; internal set; }

    /// <summary>Per-queue arrival order, renewed whenever the message re-enters the visible line.</summary>
    public long Sequence { get; internal set; }

    internal Slot Slot { get; set; }

    /// <summary>The instant the message first becomes (became) visible when a delay was given (SPEC §3.3 <c>time.delay</c>).</summary>
    public Instant? DelayedUntil => Delay is { } d ? DispatchedAt + Duration.FromSeconds(d) : null;

    /// <summary>The last instant at which the current reservation is still valid.</summary>
    public Instant ReservedUntil => (ObtainedAt ?? DispatchedAt) + Duration.FromSeconds(Timeout);

    public bool IsExhausted => Status == MessageStatus.Available && Tries >= MaxTries;

    /// <summary>True while the message is reserved and <c>now</c> has not passed the reservation's end.</summary>
    public bool IsValidlyReserved(Instant now) => Status == MessageStatus.Transit && now <= ReservedUntil;

    /// <summary>An immutable copy to hand to another thread; the receipt only for the consumer that reserved.</summary>
    public MessageSnapshot Snapshot(bool withReceipt) => new(
        Id, Body, OffsetSeconds, Priority, Attributes, withReceipt ? LatestReceipt : null, Status, Tries, MaxTries,
        DispatchedAt, DelayedUntil, VisibleAt, Timeout, ObtainedAt);
}

/// <summary>Which ordering index of its queue holds a message.</summary>
internal enum Slot : byte
{
    None = 0,
    Ready = 1,
    Delayed = 2,
    Reserved = 3,
    Exhausted = 4,
}

/// <summary>A message as it was at one instant, safe to read from any thread.</summary>
public sealed record MessageSnapshot(
    Guid Id,
    string Body,
    int OffsetSeconds,
    byte Priority,
    IReadOnlyDictionary<string, string> Attributes,
    Receipt? Receipt,
    MessageStatus Status,
    uint Tries,
    uint MaxTries,
    Instant DispatchedAt,
    Instant? DelayedUntil,
    Instant VisibleAt,
    uint Timeout,
    Instant? ObtainedAt);
