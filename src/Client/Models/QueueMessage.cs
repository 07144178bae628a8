namespace Spartan.Client;

/// <summary>Whether a message is waiting or reserved by a consumer.</summary>
public enum MessageStatus
{
    /// <summary>Not reserved: visible, delayed or exhausted.</summary>
    Available,

    /// <summary>Reserved by a consumer.</summary>
    Transit,
}

/// <summary>A message as the server shows it (peek, get, delete); all instants are UTC.</summary>
public class QueueMessage
{
    /// <summary>The queue the message was read from.</summary>
    public required string Queue { get; init; }

    /// <summary>The id the server gave the message.</summary>
    public required Guid Id { get; init; }

    /// <summary>The body, as pushed.</summary>
    public required string Body { get; init; }

    /// <summary>0…255, higher first.</summary>
    public int Priority { get; init; }

    /// <summary>The client's attributes and the server's <c>spartan.*</c> ones.</summary>
    public IReadOnlyDictionary<string, string> Attributes { get; init; } = new Dictionary<string, string>();

    /// <summary>Available or reserved.</summary>
    public MessageStatus Status { get; init; }

    /// <summary>How many times the message has been reserved.</summary>
    public uint Tries { get; init; }

    /// <summary>How many reservations it may have before it is exhausted.</summary>
    public uint MaxTries { get; init; }

    /// <summary>The sender's time-zone offset.</summary>
    public TimeSpan Offset { get; init; }

    /// <summary>When the message was pushed (or moved to a dead-letter queue).</summary>
    public DateTimeOffset DispatchedAt { get; init; }

    /// <summary>When it first became (becomes) visible, when it was pushed with a delay; null otherwise.</summary>
    public DateTimeOffset? VisibleAt { get; init; }

    /// <summary>How long a reservation of it lasts (this reservation's, for a reserved message).</summary>
    public TimeSpan Timeout { get; init; }

    /// <summary>When it was last reserved or touched; null until first reserved.</summary>
    public DateTimeOffset? ObtainedAt { get; init; }
}

/// <summary>A message this client reserved: it carries the receipt of its reservation, so that deleting, requeueing or
/// touching it acts on this reservation only, never on one another consumer holds since.</summary>
public sealed class ReceivedMessage : QueueMessage
{
    /// <summary>The receipt of this reservation.</summary>
    public required string Receipt { get; init; }

    /// <summary>When the reservation runs out unless touched (by the server's clock).</summary>
    public DateTimeOffset? ReservedUntil => ObtainedAt + Timeout;

    /// <summary>The id and receipt, for a batch delete.</summary>
    public MessageReference Reference => new(Id, Receipt);

    /// <summary>Set by the consumer that received it, so that completing it through the client ends its visibility
    /// extension; a touch answers a fresh object with the same lease.</summary>
    internal Lease? Lease { get; set; }
}

/// <summary>Names a message for a batch delete: its id, and the receipt of a reservation when acknowledging one.</summary>
public readonly record struct MessageReference(Guid Id, string? Receipt = null);
