namespace Spartan.Engine;

/// <summary>The store failed or the node is stopping: nothing of the operation was acknowledged (503).</summary>
public sealed class StorageUnavailableException : Exception
{
    public StorageUnavailableException(string message) : base(message) { }

    public StorageUnavailableException(string message, Exception inner) : base(message, inner) { }
}
