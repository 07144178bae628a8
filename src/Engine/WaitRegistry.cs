using NodaTime;
using Spartan.Domain;
using Spartan.Domain.Events;

namespace Spartan.Engine;

/// <summary>A consumer parked on a queue until a message becomes visible or its wait ends (long polling).</summary>
/// <remarks>Parked without a thread: it is a task completion source. Exactly one of the loop (serving it or
/// ending its wait) and the client's disconnect takes it, decided by one compare-and-swap, so a consumer that
/// went away is never handed a reservation.</remarks>
internal sealed class Waiter
{
    private const int Waiting = 0, Taken = 1, Cancelled = 2;
    private readonly TaskCompletionSource<IReadOnlyList<MessageSnapshot>> _done;
    private readonly WaitRegistry _registry;
    private CancellationTokenRegistration _abort;
    private int _state;

    public Waiter(WaitRegistry registry, string queue, int count, Instant deadline,
        TaskCompletionSource<IReadOnlyList<MessageSnapshot>> done, CancellationToken aborted, uint? timeout = null)
    {
        Timeout = timeout;
        _registry = registry;
        _done = done;
        Queue = queue;
        Count = count;
        Deadline = deadline;
        if (aborted.CanBeCanceled)
            _abort = aborted.UnsafeRegister(static (self, token) => ((Waiter)self!).Cancel(token), this);
    }

    public string Queue { get; }
    public int Count { get; }

    /// <summary>How long the reservations made for this consumer last, when it asked for its own timeout.</summary>
    public uint? Timeout { get; }
    public Instant Deadline { get; }
    public bool IsWaiting => Volatile.Read(ref _state) == Waiting;

    /// <summary>Claims the waiter for the loop; false when the client already went away.</summary>
    public bool TryTake()
    {
        if (Interlocked.CompareExchange(ref _state, Taken, Waiting) != Waiting) return false;
        _registry.Left();
        return true;
    }

    public void Complete(IReadOnlyList<MessageSnapshot> messages)
    {
        _abort.Unregister();
        _done.TrySetResult(messages);
    }

    public void Fail(Exception error)
    {
        _abort.Unregister();
        _done.TrySetException(error);
    }

    private void Cancel(CancellationToken token)
    {
        if (Interlocked.CompareExchange(ref _state, Cancelled, Waiting) != Waiting) return;
        _registry.Left();
        _done.TrySetCanceled(token);
    }
}

/// <summary>The consumers parked per queue, in arrival order, and their wait deadlines.</summary>
/// <remarks>Owned by the commit loop, which alone touches it. Waiters that went away stay queued until the loop
/// meets them (lazy removal); their deadline bounds how long that can be.</remarks>
internal sealed class WaitRegistry
{
    private static readonly Func<Receipt> NewReceipt = static () => new Receipt(Guid.NewGuid());
    private readonly Dictionary<string, Queue<Waiter>> _byQueue = new(StringComparer.Ordinal);
    private readonly PriorityQueue<Waiter, Instant> _deadlines = new();

    private int _waiting;

    /// <summary>True once the node is stopping: waits end at once and nobody parks any more.</summary>
    public bool Released { get; private set; }

    /// <summary>Consumers still waiting; read from any thread (a departing client updates it from its own).</summary>
    public int Parked => Volatile.Read(ref _waiting);

    /// <summary>A waiter stopped waiting (served, timed out or gone).</summary>
    internal void Left() => Interlocked.Decrement(ref _waiting);

    public void Park(Waiter waiter)
    {
        Interlocked.Increment(ref _waiting);
        if (!_byQueue.TryGetValue(waiter.Queue, out var line)) _byQueue[waiter.Queue] = line = new Queue<Waiter>();
        line.Enqueue(waiter);
        _deadlines.Enqueue(waiter, waiter.Deadline);
    }

    /// <summary>Hands visible messages to parked consumers in arrival order, and ends the waits that ran out
    /// (with no message). Reservations go into the batch's events; the waiters go to <paramref name="served"/>,
    /// to be answered once the batch is committed.</summary>
    public void Serve(CommitBatch batch, List<(Waiter Waiter, IReadOnlyList<MessageSnapshot> Messages)> served)
    {
        foreach (var (queue, line) in _byQueue) ServeLine(queue, line, batch, served);

        while (_deadlines.TryPeek(out var waiter, out var deadline) && (deadline <= batch.Now || Released))
        {
            _deadlines.Dequeue();
            if (waiter.TryTake()) served.Add((waiter, []));
        }

        // Drop deadline entries of waiters that were served or went away, so Parked stays honest.
        while (_deadlines.TryPeek(out var head, out _) && !head.IsWaiting) _deadlines.Dequeue();
    }

    /// <summary>Serves the consumers already parked on <paramref name="queue"/> before a newcomer pops, so that arrival
    /// order holds even when a message and a new pop land in the same batch.</summary>
    public void ServeFirst(string queue, CommitBatch batch, List<(Waiter Waiter, IReadOnlyList<MessageSnapshot> Messages)> served)
    {
        if (_byQueue.TryGetValue(queue, out var line) && line.Count > 0) ServeLine(queue, line, batch, served);
    }

    private static void ServeLine(string queue, Queue<Waiter> line, CommitBatch batch,
        List<(Waiter Waiter, IReadOnlyList<MessageSnapshot> Messages)> served)
    {
        while (line.TryPeek(out var waiter))
        {
            if (!waiter.IsWaiting) { line.Dequeue(); continue; }
            if (!batch.State.HasVisible(queue, batch.Now, batch.Events)) break;
            line.Dequeue();
            if (!waiter.TryTake()) continue;
            var messages = new List<MessageSnapshot>(waiter.Count);
            batch.State.PopMany(queue, waiter.Count, NewReceipt, batch.Now, batch.Events, messages, waiter.Timeout);
            served.Add((waiter, messages));
        }
    }

    /// <summary>The next instant at which a parked consumer may need the loop: a wait ending, a delay ending or a
    /// reservation running out on a queue someone waits on.</summary>
    public Instant? NextWake(QueueSet state)
    {
        Instant? next = _deadlines.TryPeek(out _, out var deadline) ? deadline : null;
        foreach (var (queue, line) in _byQueue)
        {
            if (line.Count == 0 || state.NextChange(queue) is not { } change) continue;
            if (next is null || change < next) next = change;
        }

        return next;
    }

    /// <summary>Ends every wait with no message (the node is stopping).</summary>
    public void Release() => Released = true;

    /// <summary>Answers every consumer parked on <paramref name="queue"/> with <paramref name="error"/> (the queue is gone).</summary>
    public void Drop(string queue, Exception error)
    {
        if (!_byQueue.Remove(queue, out var line)) return;
        foreach (var waiter in line)
            if (waiter.TryTake()) waiter.Fail(error);
    }

    public void FailAll(Exception error)
    {
        while (_deadlines.TryDequeue(out var waiter, out _))
            if (waiter.TryTake()) waiter.Fail(error);
        _byQueue.Clear();
    }
}
