namespace Spartan.Engine;

/// <summary>The command's queue was deleted after the request was admitted (a race with <c>DELETE /_/queues/{name}</c>):
/// answered 404 <c>Queue not found</c>; nothing was done.</summary>
public sealed class QueueNotFoundException(string queue) : Exception($"There is no queue {queue}.")
{
    public string Queue { get; } = queue;
}
