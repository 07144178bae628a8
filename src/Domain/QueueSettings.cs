namespace Spartan.Domain;

/// <summary>A queue's settings as they were given (SPEC §10): a null field is unset and takes the default
/// (<c>max_tries</c> 1, <c>timeout</c> 30, no delay, no dead-letter queue).</summary>
public sealed record QueueSettings(string? DeadLetter = null, uint? MaxTries = null, uint? Timeout = null, uint? Delay = null)
{
    /// <summary>Nothing set: every default.</summary>
    public static QueueSettings None { get; } = new();

    /// <summary>The definition a queue named <paramref name="name"/> gets from these settings.</summary>
    public QueueDefinition Resolve(string name)
    {
        var defaults = QueueDefinition.WithDefaults(name);
        return new QueueDefinition(name, DeadLetter, MaxTries ?? defaults.MaxTries, Timeout ?? defaults.Timeout, Delay ?? defaults.Delay)
        {
            Settings = this,
        };
    }
}
