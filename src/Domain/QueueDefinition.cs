namespace Spartan.Domain;

/// <summary>A declared queue and the defaults given to messages pushed without their own values (SPEC §4).</summary>
public sealed record QueueDefinition(string Name, string? DeadLetter, uint MaxTries, uint Timeout, uint? Delay)
{
    /// <summary>Defaults of SPEC §3.1 when no <c>[queue_settings]</c> table says otherwise.</summary>
    public static QueueDefinition WithDefaults(string name) => new(name, null, 1, 30, null);
}
