namespace Spartan.Engine;

/// <summary>This node follows another one (cluster mode, SPEC §13): it decides no event, so a write is not taken (503
/// <c>Not primary</c>); nothing of the operation was done.</summary>
public sealed class NotPrimaryException : Exception
{
    public NotPrimaryException() : base("This node is not the primary.") { }

    public NotPrimaryException(string message) : base(message) { }

    public NotPrimaryException(string message, Exception inner) : base(message, inner) { }
}
