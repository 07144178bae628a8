namespace Spartan.Client;

/// <summary>A queue's counts by state (they add up to <see cref="Size"/>), dead-letter queue and oldest visible age.</summary>
public sealed record QueueStats(int Size, int Available, int Delayed, int InFlight, int Exhausted, string? DeadLetter,
    TimeSpan? OldestVisibleAge);

/// <summary>One queue of <c>GET /_/queues</c>: its name, whether the configuration declares it, its stats.</summary>
public sealed record QueueSummary(string Name, bool Declared, QueueStats Stats);

/// <summary>A queue's settings: defaults for messages pushed without these fields; null where unset.</summary>
public sealed record QueueSettings
{
    /// <summary>Where exhausted messages go.</summary>
    public string? DeadLetter { get; init; }

    /// <summary>Default reservations per message.</summary>
    public uint? MaxTries { get; init; }

    /// <summary>Default reservation length (whole seconds, rounded up).</summary>
    public TimeSpan? Timeout { get; init; }

    /// <summary>Default delay before a message first becomes visible (whole seconds, rounded up).</summary>
    public TimeSpan? Delay { get; init; }
}

/// <summary>Settings fields a change clears (sets back to unset).</summary>
[Flags]
public enum QueueSettingFields
{
    /// <summary>Nothing.</summary>
    None = 0,

    /// <summary><see cref="QueueSettings.DeadLetter"/>.</summary>
    DeadLetter = 1,

    /// <summary><see cref="QueueSettings.MaxTries"/>.</summary>
    MaxTries = 2,

    /// <summary><see cref="QueueSettings.Timeout"/>.</summary>
    Timeout = 4,

    /// <summary><see cref="QueueSettings.Delay"/>.</summary>
    Delay = 8,
}

/// <summary>A change to a runtime queue's settings: a value replaces, a field in <see cref="Clear"/> is unset, and
/// everything else is kept.</summary>
public sealed record QueueSettingsChange
{
    /// <summary>A new dead-letter queue.</summary>
    public string? DeadLetter { get; init; }

    /// <summary>A new default of reservations per message.</summary>
    public uint? MaxTries { get; init; }

    /// <summary>A new default reservation length.</summary>
    public TimeSpan? Timeout { get; init; }

    /// <summary>A new default delay.</summary>
    public TimeSpan? Delay { get; init; }

    /// <summary>The fields to unset.</summary>
    public QueueSettingFields Clear { get; init; }
}

/// <summary>The answer of creating or changing a queue.</summary>
public sealed record QueueDefinition(string Name, bool Declared, QueueSettings Settings)
{
    /// <summary>True when the call created the queue (201); false when it existed with these settings, or was changed.</summary>
    public bool Created { get; init; }
}

/// <summary>One queue in detail: settings, creation instant and stats.</summary>
public sealed record QueueDetail(string Name, bool Declared, QueueSettings Settings, DateTimeOffset? CreatedAt, QueueStats Stats);

/// <summary>The node's liveness, role and version; <see cref="Primary"/> only on a replica.</summary>
public sealed record HealthStatus(string Status, string Role, string Version, ReplicaLink? Primary);

/// <summary>How a replica follows its primary.</summary>
public sealed record ReplicaLink(bool Connected, long Applied, TimeSpan Lag, DateTimeOffset? LastContact);

/// <summary>The outcome of a batch delete, id by id.</summary>
public sealed record BatchDeleteResult(IReadOnlyList<Guid> Deleted, IReadOnlyList<Guid> NotFound, IReadOnlyList<Guid> Stale);
