namespace Spartan.Domain;

/// <summary>A queue's settings as they were given (SPEC §10): a null field is unset and takes the default
/// (<c>max_tries</c> 1, <c>timeout</c> 30, no delay, no dead-letter queue). <see cref="Attributes"/> holds what SQS
/// clients set that Spartan only keeps (SPEC §11).</summary>
public sealed record QueueSettings(string? DeadLetter = null, uint? MaxTries = null, uint? Timeout = null, uint? Delay = null)
{
    /// <summary>Nothing set: every default.</summary>
    public static QueueSettings None { get; } = new();

    /// <summary>Kept, not acted on: SQS attributes without a native field, and tags. Never null.</summary>
    public QueueAttributes Attributes { get; init; } = QueueAttributes.Empty;

    /// <summary>The four native settings alone, as the native API shows and compares them. (A method, not a property,
    /// so that the record's printed form does not recurse into it.)</summary>
    public QueueSettings Core() => Attributes.Count == 0 ? this : this with { Attributes = QueueAttributes.Empty };

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
