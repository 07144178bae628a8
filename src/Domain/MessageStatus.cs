namespace Spartan.Domain;

/// <summary>Whether a message waits in its queue or is reserved by a consumer (SPEC §1).</summary>
public enum MessageStatus : byte
{
    Available = 0,
    Transit = 1,
}
