namespace Spartan.Domain;

/// <summary>How a queue operation ended; expected outcomes are values, not exceptions.</summary>
public enum Outcome : byte
{
    Ok = 0,

    /// <summary>Pop or peek found no visible message (404 <c>No message available</c>).</summary>
    NoMessage = 1,

    /// <summary>No such message in a valid state (404 <c>Message not found</c>).</summary>
    MessageNotFound = 2,

    /// <summary>The receipt is not the latest, or its reservation ran out (409 <c>Stale receipt</c>).</summary>
    StaleReceipt = 3,
}

/// <summary>An outcome and, when it is <see cref="Outcome.Ok"/>, the message it concerns.</summary>
public readonly record struct MessageDecision(Outcome Outcome, MessageSnapshot? Message)
{
    public static MessageDecision Of(Outcome outcome) => new(outcome, null);
    public static MessageDecision Ok(MessageSnapshot message) => new(Outcome.Ok, message);
}

/// <summary>The counts of one queue by state; visible, delayed, in flight and exhausted partition the size.</summary>
public readonly record struct QueueCounts(int Size, int Available, int Delayed, int InFlight, int Exhausted);

/// <summary>The stats of one queue (SPEC §3.2): counts by state, its dead-letter queue, and how long the oldest
/// visible message has waited, in seconds.</summary>
public sealed record QueueStats(string Name, QueueCounts Counts, string? DeadLetter, double? OldestVisibleAgeSeconds);

/// <summary>What a client asks of a push; absent fields take the queue's defaults.</summary>
public readonly record struct PushRequest(
    Guid Id,
    MessageBody Body,
    int? OffsetSeconds,
    byte? Priority,
    IReadOnlyDictionary<string, string>? Attributes,
    uint? MaxTries,
    uint? Timeout,
    uint? Delay);
