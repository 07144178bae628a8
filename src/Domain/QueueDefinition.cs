namespace Spartan.Domain;

/// <summary>A queue and the defaults given to messages pushed without their own values (SPEC §4, §10).</summary>
public sealed record QueueDefinition(string Name, string? DeadLetter, uint MaxTries, uint Timeout, uint? Delay)
{
    private readonly QueueSettings? _settings;

    /// <summary>The settings as given, nulls where unset (what the API shows); when the definition was built from
    /// resolved values alone, every value counts as set.</summary>
    public QueueSettings Settings
    {
        get => _settings ?? new QueueSettings(DeadLetter, MaxTries, Timeout, Delay);
        init => _settings = value;
    }

    /// <summary>Defaults of SPEC §3.1 when no <c>[queue_settings]</c> table says otherwise.</summary>
    public static QueueDefinition WithDefaults(string name) => new(name, null, 1, 30, null) { Settings = QueueSettings.None };
}
