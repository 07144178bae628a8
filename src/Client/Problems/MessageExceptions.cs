using System.Net;

namespace Spartan.Client;

/// <summary><c>404 Message not found</c>: the queue holds no such message, or (requeue, touch) it is not validly reserved.</summary>
public sealed class MessageNotFoundException(HttpStatusCode status, string title, string? detail, Guid? messageId = null)
    : SpartanException(status, title, detail)
{
    /// <summary>The message the call named, when the client knows it.</summary>
    public Guid? MessageId { get; } = messageId;
}

/// <summary><c>409 Stale receipt</c>: the receipt no longer names the message's latest reservation (another consumer
/// holds it, or it was requeued), or (requeue, touch) the reservation ran out; nothing was changed.</summary>
public sealed class StaleReceiptException(HttpStatusCode status, string title, string? detail, Guid? messageId = null)
    : SpartanException(status, title, detail)
{
    /// <summary>The message the call named, when the client knows it.</summary>
    public Guid? MessageId { get; } = messageId;
}

/// <summary><c>413 Message too large</c>: a body plus its attributes exceed the node's <c>body_size</c>, or the request
/// is longer than the node accepts.</summary>
public sealed class MessageTooLargeException(HttpStatusCode status, string title, string? detail)
    : SpartanException(status, title, detail);

/// <summary><c>400 Invalid request</c>: a field out of range, an attribute the server reserves, and the like;
/// <see cref="SpartanException.Detail"/> names the field.</summary>
public sealed class InvalidRequestException(HttpStatusCode status, string title, string? detail)
    : SpartanException(status, title, detail);

/// <summary><c>404 No message available</c>: pop or peek found nothing (the client's pop and peek answer null instead).</summary>
public sealed class NoMessageAvailableException(HttpStatusCode status, string title, string? detail)
    : SpartanException(status, title, detail);
