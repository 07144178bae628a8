using NodaTime;
using Spartan.Domain;
using Spartan.Domain.Events;

namespace Spartan.Storage;

/// <summary>One queue operation travelling through the commit loop: decided and applied in the loop, answered
/// only after the batch it belongs to is committed.</summary>
internal abstract class Command
{
    public abstract void Execute(QueueSet state, Instant now, List<QueueEvent> events);
    public abstract void Complete();
    public abstract void Fail(Exception error);
}

/// <summary>A command whose answer is a <typeparamref name="T"/>.</summary>
internal abstract class Command<T> : Command
{
    // Continuations run on the thread pool, never inline on the commit loop that completes them.
    private readonly TaskCompletionSource<T> _done = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private T _result = default!;

    public Task<T> Task => _done.Task;

    public sealed override void Execute(QueueSet state, Instant now, List<QueueEvent> events) =>
        _result = Decide(state, now, events);

    protected abstract T Decide(QueueSet state, Instant now, List<QueueEvent> events);

    public sealed override void Complete() => _done.TrySetResult(_result);

    public sealed override void Fail(Exception error) => _done.TrySetException(error);
}
