namespace Spartan.Domain;

/// <summary>The total orders behind a queue's indexes. Each ends on <see cref="Message.Sequence"/>, which is
/// unique within a queue, so no two messages ever compare equal.</summary>
internal static class MessageOrder
{
    /// <summary>Pop order (SPEC §2.2): priority descending, then the instant it became visible, then arrival.</summary>
    public static readonly IComparer<Message> Ready = Comparer<Message>.Create(static (a, b) =>
    {
        var c = b.Priority.CompareTo(a.Priority);
        if (c != 0) return c;
        c = a.VisibleAt.CompareTo(b.VisibleAt);
        return c != 0 ? c : a.Sequence.CompareTo(b.Sequence);
    });

    /// <summary>Delayed messages by the instant their delay ends.</summary>
    public static readonly IComparer<Message> Delayed = Comparer<Message>.Create(static (a, b) =>
    {
        var c = a.VisibleAt.CompareTo(b.VisibleAt);
        return c != 0 ? c : a.Sequence.CompareTo(b.Sequence);
    });

    /// <summary>Reservations by the instant they run out.</summary>
    public static readonly IComparer<Message> Reserved = Comparer<Message>.Create(static (a, b) =>
    {
        var c = a.ReservedUntil.CompareTo(b.ReservedUntil);
        return c != 0 ? c : a.Sequence.CompareTo(b.Sequence);
    });

    /// <summary>Exhausted messages in arrival order, so GC handles them in a replayable order.</summary>
    public static readonly IComparer<Message> Arrival = Comparer<Message>.Create(static (a, b) =>
        a.Sequence.CompareTo(b.Sequence));
}
