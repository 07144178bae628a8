namespace Spartan.Domain;

/// <summary>The total orders behind a queue's indexes. Each ends on <see cref="Message.Sequence"/>, which is
/// unique within a queue, so no two messages ever compare equal.</summary>
internal static class MessageOrder
{
    /// <summary>By the instant a message becomes (or became) visible: delayed messages, and each priority bucket of
    /// the visible line (<see cref="ReadyIndex"/>).</summary>
    public static readonly IComparer<Message> Delayed = Comparer<Message>.Create(static (a, b) =>
    {
        var c = a.VisibleAtNanos.CompareTo(b.VisibleAtNanos);
        return c != 0 ? c : a.Sequence.CompareTo(b.Sequence);
    });

    /// <summary>Reservations by the instant they run out.</summary>
    public static readonly IComparer<Message> Reserved = Comparer<Message>.Create(static (a, b) =>
    {
        var c = a.ReservedUntilNanos.CompareTo(b.ReservedUntilNanos);
        return c != 0 ? c : a.Sequence.CompareTo(b.Sequence);
    });

    /// <summary>Exhausted messages in arrival order, so GC handles them in a replayable order.</summary>
    public static readonly IComparer<Message> Arrival = Comparer<Message>.Create(static (a, b) =>
        a.Sequence.CompareTo(b.Sequence));
}
