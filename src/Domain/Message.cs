using NodaTime;

namespace Spartan.Domain;

/// <summary>A message held by a <see cref="Queue"/>; mutated only by the queue while it applies events.</summary>
/// <remarks>
/// A node holds millions of these, so the fields are packed (128 bytes with the object header, against 176 with
/// NodaTime and nullable fields): instants as Unix-epoch nanoseconds (the store's own range, years 1678–2261),
/// "none" as a sentinel instead of a nullable wrapper, the body as UTF-8 (<see cref="MessageBody"/>). The
/// properties convert, so the rest of the domain reads NodaTime values as before.
/// </remarks>
public sealed class Message
{
    private const long None = long.MinValue;

    // No reservation timeout of its own: pop's override ranges 0–43200, so the largest uint cannot be one.
    private const uint NoOverride = uint.MaxValue;

    private readonly long _dispatchedAt;
    private long _visibleAt;
    private long _obtainedAt = None;
    private long _firstObtainedAt = None;
    private Guid _receipt;
    private readonly uint _delay;
    private readonly bool _hasDelay;
    private uint _reservationTimeout = NoOverride;

    internal Message(
        Guid id, MessageBody body, int offsetSeconds, byte priority, IReadOnlyDictionary<string, string> attributes,
        uint maxTries, uint timeout, uint? delay, Instant dispatchedAt)
    {
        Id = id;
        Body = body;
        OffsetSeconds = offsetSeconds;
        Priority = priority;
        Attributes = attributes;
        MaxTries = maxTries;
        Timeout = timeout;
        _delay = delay.GetValueOrDefault();
        _hasDelay = delay.HasValue;
        _dispatchedAt = ToNanos(dispatchedAt);
        _visibleAt = delay is { } d ? _dispatchedAt + d * NodaConstants.NanosecondsPerSecond : _dispatchedAt;
    }

    public Guid Id { get; }
    public MessageBody Body { get; }

    /// <summary>The client's time-zone offset in seconds; it only changes how times are shown.</summary>
    public int OffsetSeconds { get; }

    public byte Priority { get; }
    public IReadOnlyDictionary<string, string> Attributes { get; }
    public uint MaxTries { get; }

    /// <summary>The message's own timeout: how long its reservations last unless a pop asked for another.</summary>
    public uint Timeout { get; internal set; }

    /// <summary>The current reservation's own timeout (pop's <c>?timeout=S</c>), or null when it lasts
    /// <see cref="Timeout"/>; dropped when the reservation ends.</summary>
    public uint? ReservationTimeout
    {
        get => _reservationTimeout == NoOverride ? null : _reservationTimeout;
        internal set => _reservationTimeout = value ?? NoOverride;
    }

    /// <summary>How long the current (or next) reservation lasts: what <c>time.timeout.max</c> shows.</summary>
    public uint EffectiveTimeout => _reservationTimeout == NoOverride ? Timeout : _reservationTimeout;

    /// <summary>The delay in seconds the push (or the queue's settings) gave, or null when none did.</summary>
    public uint? Delay => _hasDelay ? _delay : null;

    public Instant DispatchedAt => FromNanos(_dispatchedAt);
    public MessageStatus Status { get; internal set; }
    public uint Tries { get; internal set; }

    public Instant? ObtainedAt
    {
        get => _obtainedAt == None ? null : FromNanos(_obtainedAt);
        internal set => _obtainedAt = value is { } at ? ToNanos(at) : None;
    }

    /// <summary>The instant of the message's first reservation, or null while it has none (SQS's
    /// <c>ApproximateFirstReceiveTimestamp</c>).</summary>
    public Instant? FirstObtainedAt
    {
        get => _firstObtainedAt == None ? null : FromNanos(_firstObtainedAt);
        internal set => _firstObtainedAt = value is { } at ? ToNanos(at) : None;
    }

    /// <summary>The latest receipt: kept through expiry and touch, dropped by requeue (SPEC §2.3).</summary>
    /// <remarks>Receipts are random version-4 UUIDs, never all zeros, so the empty GUID stands for none.</remarks>
    public Receipt? LatestReceipt
    {
        get => _receipt == Guid.Empty ? null : new Receipt(_receipt);
        internal set => _receipt = value?.Value ?? Guid.Empty;
    }

    /// <summary>The instant the message became (or becomes) visible most recently; orders pops.</summary>
    public Instant VisibleAt
    {
        get => FromNanos(_visibleAt);
        internal set => _visibleAt = ToNanos(value);
    }

    /// <summary>Per-queue arrival order, renewed whenever the message re-enters the visible line.</summary>
    public long Sequence { get; internal set; }

    internal Slot Slot { get; set; }

    /// <summary><see cref="VisibleAt"/> as stored, for the index comparers that run O(log n) times per operation.</summary>
    internal long VisibleAtNanos => _visibleAt;

    /// <summary>The last instant of the current reservation in Unix nanoseconds, for the reservation index.</summary>
    internal long ReservedUntilNanos =>
        (_obtainedAt == None ? _dispatchedAt : _obtainedAt) + EffectiveTimeout * NodaConstants.NanosecondsPerSecond;

    /// <summary>The instant the message first becomes (became) visible when a delay was given (SPEC §3.3 <c>time.delay</c>).</summary>
    public Instant? DelayedUntil => _hasDelay ? FromNanos(_dispatchedAt + _delay * NodaConstants.NanosecondsPerSecond) : null;

    /// <summary>The last instant at which the current reservation is still valid.</summary>
    public Instant ReservedUntil => FromNanos(ReservedUntilNanos);

    public bool IsExhausted => Status == MessageStatus.Available && Tries >= MaxTries;

    /// <summary>True while the message is reserved and <c>now</c> has not passed the reservation's end.</summary>
    public bool IsValidlyReserved(Instant now) => Status == MessageStatus.Transit && ToNanos(now) <= ReservedUntilNanos;

    /// <summary>An immutable copy to hand to another thread; the receipt only for the consumer that reserved.</summary>
    public MessageSnapshot Snapshot(bool withReceipt) => new(
        Id, Body, OffsetSeconds, Priority, Attributes, withReceipt ? LatestReceipt : null, Status, Tries, MaxTries,
        DispatchedAt, DelayedUntil, VisibleAt, EffectiveTimeout, ObtainedAt, FirstObtainedAt);

    // Checked: an instant outside the int64 nanosecond range (years 1678–2261) is a clock fault, not a message.
    private static long ToNanos(Instant instant) => (instant - NodaConstants.UnixEpoch).ToInt64Nanoseconds();

    private static Instant FromNanos(long nanos) => NodaConstants.UnixEpoch + Duration.FromNanoseconds(nanos);
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
    MessageBody Body,
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
    Instant? ObtainedAt,
    Instant? FirstObtainedAt = null);
