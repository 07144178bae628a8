using NodaTime;

namespace Spartan.Domain.Events;

/// <summary>An immutable fact about one queue; the state of every queue is the fold of these (SPEC §1, §6).</summary>
/// <remarks>Events record outcomes (which message, which instant, which values), never commands, so replay
/// does not depend on the clock or the configuration at replay time.</remarks>
public abstract record QueueEvent(string Queue, Instant At);

/// <summary>A fact about one message of a queue.</summary>
public abstract record MessageEvent(string Queue, Instant At, Guid MessageId) : QueueEvent(Queue, At);

/// <summary>A message was pushed; every default was already resolved, so replay needs no configuration.</summary>
public sealed record MessagePushed(
    string Queue,
    Instant At,
    Guid MessageId,
    MessageBody Body,
    int OffsetSeconds,
    byte Priority,
    IReadOnlyDictionary<string, string> Attributes,
    uint MaxTries,
    uint Timeout,
    uint? Delay) : MessageEvent(Queue, At, MessageId);

/// <summary>A consumer reserved the message under a new receipt; <paramref name="Timeout"/>, when given, is how long
/// this reservation lasts instead of the message's own timeout (pop's <c>?timeout=S</c>, SQS's VisibilityTimeout).</summary>
public sealed record MessageReserved(string Queue, Instant At, Guid MessageId, Receipt Receipt, uint? Timeout = null)
    : MessageEvent(Queue, At, MessageId);

/// <summary>A reserved message was handed back and is visible again from <c>At</c>.</summary>
public sealed record MessageRequeued(string Queue, Instant At, Guid MessageId) : MessageEvent(Queue, At, MessageId);

/// <summary>A message was acknowledged or removed by a client.</summary>
public sealed record MessageDeleted(string Queue, Instant At, Guid MessageId) : MessageEvent(Queue, At, MessageId);

/// <summary>A reservation was extended: <c>obtained_at = At</c>, and the timeout replaced when given.</summary>
public sealed record ReservationTouched(string Queue, Instant At, Guid MessageId, uint? Timeout)
    : MessageEvent(Queue, At, MessageId);

/// <summary>A reservation ran out; the message is available again from <c>At</c> (SPEC §2.5).</summary>
public sealed record ReservationExpired(string Queue, Instant At, Guid MessageId) : MessageEvent(Queue, At, MessageId);

/// <summary>An exhausted message moved to <paramref name="Target"/> with fresh state (SPEC §2.7).</summary>
public sealed record MessageDeadLettered(
    string Queue,
    Instant At,
    Guid MessageId,
    string Target,
    DeadLetterReason Reason,
    uint MaxTries,
    uint Timeout,
    uint? Delay) : MessageEvent(Queue, At, MessageId);

/// <summary>An exhausted message was discarded because its queue has no dead-letter queue.</summary>
public sealed record MessageCollected(string Queue, Instant At, Guid MessageId, DeadLetterReason Reason)
    : MessageEvent(Queue, At, MessageId);

/// <summary>Every message of the queue was removed.</summary>
public sealed record QueueCleared(string Queue, Instant At) : QueueEvent(Queue, At);

/// <summary>A message left a dead-letter queue for <paramref name="Target"/> (the queue whose dead-letter queue it
/// was) with fresh state, visible at once, its <c>spartan.*</c> attributes dropped (SPEC §2.7 redrive).</summary>
public sealed record MessageRedriven(string Queue, Instant At, Guid MessageId, string Target, uint MaxTries, uint Timeout)
    : MessageEvent(Queue, At, MessageId);

/// <summary>A queue came into being with these settings (SPEC §10); for a queue that exists already (declared in the
/// configuration), its settings become these.</summary>
public sealed record QueueCreated(string Queue, Instant At, QueueSettings Settings) : QueueEvent(Queue, At);

/// <summary>A queue's settings became <paramref name="Settings"/> (null fields unset).</summary>
public sealed record QueueChanged(string Queue, Instant At, QueueSettings Settings) : QueueEvent(Queue, At);

/// <summary>A queue was removed, and every message it held with it.</summary>
public sealed record QueueDeleted(string Queue, Instant At) : QueueEvent(Queue, At);
