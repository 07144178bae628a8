namespace Spartan.Client;

/// <summary>How a <see cref="SpartanProcessor"/> runs its handler: how many at once, and what it receives ahead. A
/// processor reserves at most as many messages in one pop as it has free handlers (and at most
/// <see cref="ConsumeOptions.Prefetch"/>), so that it holds no message no handler is ready for.</summary>
public sealed class ProcessorOptions : ConsumeOptions
{
    /// <summary>The most handlers running at once (default 1).</summary>
    public int MaxConcurrency { get; set; } = 1;

    /// <summary>How long to wait before receiving again after a failed receive (default 1 s, on the client's clock).</summary>
    public TimeSpan ErrorBackoff { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Called with each error the processor handles itself: a handler's exception (the message is then
    /// requeued), a failed delete, requeue or receive. The message is null for a failed receive.</summary>
    public Action<Exception, ReceivedMessage?>? OnError { get; set; }
}

/// <summary>Handles one message for <c>AddSpartanProcessor</c>: returning acknowledges it (deletes it), throwing hands
/// it back (requeues it). Resolved in a scope of its own for each message.</summary>
public interface IMessageHandler
{
    /// <summary>Handles the message; <paramref name="ct"/> is cancelled when the host stops waiting for handlers.</summary>
    Task HandleAsync(ReceivedMessage message, CancellationToken ct);
}
