namespace Spartan.Replication.Framing;

/// <summary>
/// The peer broke the framing protocol (oversized frame, stream cut inside a frame); the
/// connection cannot be resynchronised and must be closed.
/// </summary>
public sealed class FrameException : Exception
{
    public FrameException()
        : base("Replication framing protocol violation.")
    {
    }

    public FrameException(string message)
        : base(message)
    {
    }

    public FrameException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
