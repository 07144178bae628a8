namespace Spartan.Client.Json;

/// <summary>Between the wire shapes and the public models.</summary>
internal static class WireMapping
{
    public static PushWire ToWire(OutgoingMessage m) => new(
        m.Body ?? throw new ArgumentException("A message needs a body.", nameof(m)),
        m.Offset is { } o ? checked((int)o.TotalSeconds) : null,
        m.MaxTries,
        Seconds(m.Timeout),
        Seconds(m.Delay),
        m.Priority,
        m.Attributes);

    /// <summary>Whole seconds, rounded up so that a reservation or delay is never shorter than asked.</summary>
    public static uint? Seconds(TimeSpan? span) => span is { } s ? checked((uint)Math.Ceiling(Math.Max(0, s.TotalSeconds))) : null;

    public static QueueMessage ToMessage(string queue, MessageWire w) => new()
    {
        Queue = queue,
        Id = w.Id,
        Body = w.Body,
        Priority = w.Priority,
        Attributes = w.Attributes ?? [],
        Status = Status(w.State.Status),
        Tries = w.State.Tries,
        MaxTries = w.State.MaxTries,
        Offset = TimeSpan.FromSeconds(w.Time.Offset),
        DispatchedAt = Rfc3339.Parse(w.Time.DispatchedAt),
        VisibleAt = Rfc3339.ParseOrNull(w.Time.Delay),
        Timeout = TimeSpan.FromSeconds(w.Time.Timeout.Max),
        ObtainedAt = Rfc3339.ParseOrNull(w.Time.Timeout.ObtainedAt),
    };

    public static ReceivedMessage ToReceived(string queue, MessageWire w, string? receipt = null) => new()
    {
        Queue = queue,
        Id = w.Id,
        Body = w.Body,
        Priority = w.Priority,
        Attributes = w.Attributes ?? [],
        Status = Status(w.State.Status),
        Tries = w.State.Tries,
        MaxTries = w.State.MaxTries,
        Offset = TimeSpan.FromSeconds(w.Time.Offset),
        DispatchedAt = Rfc3339.Parse(w.Time.DispatchedAt),
        VisibleAt = Rfc3339.ParseOrNull(w.Time.Delay),
        Timeout = TimeSpan.FromSeconds(w.Time.Timeout.Max),
        ObtainedAt = Rfc3339.ParseOrNull(w.Time.Timeout.ObtainedAt),
        Receipt = w.Receipt ?? receipt
            ?? throw new InvalidOperationException($"The server reserved message {w.Id} without a receipt."),
    };

    public static QueueStats ToStats(StatsWire s) =>
        new(s.Size, s.Available, s.Delayed, s.InFlight, s.Exhausted, s.DeadLetter, Age(s.OldestVisibleAgeS));

    public static QueueSummary ToSummary(QueueWire q) => new(q.Name, q.Declared,
        new QueueStats(q.Size, q.Available, q.Delayed, q.InFlight, q.Exhausted, q.DeadLetter, Age(q.OldestVisibleAgeS)));

    public static QueueDetail ToDetail(QueueDetailWire q) => new(q.Name, q.Declared, ToSettings(q.Settings),
        Rfc3339.ParseOrNull(q.CreatedAt),
        new QueueStats(q.Size, q.Available, q.Delayed, q.InFlight, q.Exhausted, q.DeadLetter, Age(q.OldestVisibleAgeS)));

    public static QueueSettings ToSettings(QueueSettingsWire? s) => s is null ? new QueueSettings() : new QueueSettings
    {
        DeadLetter = s.DeadLetter,
        MaxTries = s.MaxTries,
        Timeout = s.Timeout is { } t ? TimeSpan.FromSeconds(t) : null,
        Delay = s.Delay is { } d ? TimeSpan.FromSeconds(d) : null,
    };

    public static QueueSettingsWire ToWire(QueueSettings s) => new(s.DeadLetter, s.MaxTries, Seconds(s.Timeout), Seconds(s.Delay));

    public static HealthStatus ToHealth(HealthWire h) => new(h.Status, h.Role, h.Version, h.Primary is { } p
        ? new ReplicaLink(p.Connected, p.Applied, TimeSpan.FromSeconds(p.LagSeconds), Rfc3339.ParseOrNull(p.LastContact))
        : null);

    private static MessageStatus Status(string status) =>
        status == "Transit" ? MessageStatus.Transit : MessageStatus.Available;

    private static TimeSpan? Age(double? seconds) => seconds is { } s ? TimeSpan.FromSeconds(s) : null;
}
