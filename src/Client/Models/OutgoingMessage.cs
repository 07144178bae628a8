namespace Spartan.Client;

/// <summary>A message to push; only <see cref="Body"/> is required, the rest default to the queue's settings.</summary>
public sealed record OutgoingMessage(string Body)
{
    /// <summary>0…255, higher is served first; 0 when absent.</summary>
    public byte? Priority { get; init; }

    /// <summary>At most 16 string attributes; names starting with <c>spartan.</c> belong to the server.</summary>
    public IReadOnlyDictionary<string, string>? Attributes { get; init; }

    /// <summary>How long before the message first becomes visible (whole seconds, rounded up).</summary>
    public TimeSpan? Delay { get; init; }

    /// <summary>How long each reservation lasts (whole seconds, rounded up).</summary>
    public TimeSpan? Timeout { get; init; }

    /// <summary>How many times the message may be reserved before it is exhausted.</summary>
    public uint? MaxTries { get; init; }

    /// <summary>The sender's time-zone offset, which only changes how the server shows times (−86399…86399 s).</summary>
    public TimeSpan? Offset { get; init; }

    /// <summary>A message with this body and every other field from the queue's settings.</summary>
    public static implicit operator OutgoingMessage(string body) => new(body);
}
