namespace Spartan.Engine;

/// <summary>The data folder cannot be used: locked by another process, of an unknown format, or corrupt. The node
/// refuses to start rather than start empty over it (SPEC §6); the message names the folder and the cause.</summary>
public sealed class StoreException : Exception
{
    public StoreException(string message) : base(message) { }

    public StoreException(string message, Exception inner) : base(message, inner) { }
}
