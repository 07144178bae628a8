namespace Spartan.Client;

/// <summary>How <see cref="SpartanClient.ConsumeAsync"/> receives: how many at a time, how long it long-polls, and
/// whether it keeps reservations alive while messages are handled.</summary>
public class ConsumeOptions
{
    /// <summary>How many messages one batch pop reserves ahead (1…100, default 10). Each reservation is a try: a
    /// prefetched message handed back when the consumer stops has used one, and with none left (a queue's default
    /// <c>max_tries</c> is 1) it goes to the dead-letter queue, or is dropped without one. On such queues use 1.</summary>
    public int Prefetch { get; set; } = 10;

    /// <summary>How long one pop waits for a message (0…20 s, default 20 s).</summary>
    public TimeSpan Wait { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>The length of each reservation; null for each message's own timeout.</summary>
    public TimeSpan? VisibilityTimeout { get; set; }

    /// <summary>Whether reservations of messages received and not yet completed are touched before they run out, at
    /// two thirds of their length (default true).</summary>
    public bool ExtendVisibility { get; set; } = true;

    /// <summary>How long a message's reservation is extended at most, counted from its receipt (default 10 minutes), so
    /// that a message a handler forgot to complete comes back in the end.</summary>
    public TimeSpan MaxExtension { get; set; } = TimeSpan.FromMinutes(10);

    internal void Validate()
    {
        if (Prefetch is < 1 or > 100) throw new ArgumentOutOfRangeException(nameof(Prefetch), Prefetch, "Prefetch is 1 to 100.");
        if (Wait < TimeSpan.Zero || Wait > TimeSpan.FromSeconds(20))
            throw new ArgumentOutOfRangeException(nameof(Wait), Wait, "A wait is 0 to 20 seconds.");
        if (VisibilityTimeout < TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(VisibilityTimeout), VisibilityTimeout, "A timeout cannot be negative.");
    }
}
