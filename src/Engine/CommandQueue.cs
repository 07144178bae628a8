namespace Spartan.Engine;

/// <summary>The commit loop's inbox: many request threads add, the loop's own thread takes everything queued at once, and
/// sleeps (without a thread-pool worker) when there is nothing.</summary>
/// <remarks>Producers only signal when the loop said it is going to sleep, so a busy loop costs each producer one
/// lock-free enqueue. The loop announces sleep, looks once more, and only then waits, so no command is left behind.</remarks>
internal sealed class CommandQueue : IDisposable
{
    private readonly System.Collections.Concurrent.ConcurrentQueue<Command> _queue = new();
    private readonly ManualResetEventSlim _wake = new(false, spinCount: 50);
    private int _sleeping;
    private int _adding;
    private volatile bool _completed;

    /// <summary>Adds a command; false once the queue is completed (the node is stopping or failed): then the command was
    /// not queued, and the caller answers it. Without <paramref name="wake"/>, a sleeping loop is left asleep: the
    /// caller runs the batch itself (<see cref="Broker"/>'s requests over the transient log).</summary>
    public bool TryAdd(Command command, bool wake = true)
    {
        // Announced before the check, so Complete can wait for adds in flight: after it returns, nothing more arrives.
        Interlocked.Increment(ref _adding);
        try
        {
            if (_completed) return false;
            _queue.Enqueue(command);
        }
        finally
        {
            Interlocked.Decrement(ref _adding);
        }

        if (wake && Volatile.Read(ref _sleeping) == 1 && Interlocked.Exchange(ref _sleeping, 0) == 1) _wake.Set();
        return true;
    }

    public bool IsEmpty => _queue.IsEmpty;

    /// <summary>Moves up to <paramref name="max"/> queued commands into <paramref name="into"/> without waiting; how many.</summary>
    public int TakeNow(List<Command> into, int max)
    {
        while (into.Count < max && _queue.TryDequeue(out var command)) into.Add(command);
        return into.Count;
    }

    /// <summary>Wakes the loop's thread whether or not it announced sleep (it hands batches over to it).</summary>
    public void Signal()
    {
        try
        {
            _wake.Set();
        }
        catch (ObjectDisposedException)
        {
            // The broker stopped and was disposed meanwhile: its thread took what was left before it ended.
        }
    }

    /// <summary>Sleeps until <see cref="Signal"/> or <see cref="Complete"/>; false once completed.</summary>
    public bool WaitForSignal()
    {
        _wake.Wait();
        // Reset before the caller looks at the queue: a signal sent after this point is not lost, and one sent before
        // it concerns commands queued before it, which the caller is about to take.
        _wake.Reset();
        return !_completed;
    }

    /// <summary>No command is added from now on (adds in flight finish first); a waiting loop wakes, takes what is
    /// queued, and ends once the queue is empty.</summary>
    public void Complete()
    {
        _completed = true;
        var spin = new SpinWait();
        while (Volatile.Read(ref _adding) > 0) spin.SpinOnce();
        Interlocked.Exchange(ref _sleeping, 0);
        _wake.Set();
    }

    public bool IsCompleted => _completed;

    /// <summary>Moves up to <paramref name="max"/> queued commands into <paramref name="into"/>, waiting while there are
    /// none. False when the queue is completed and empty: the loop ends.</summary>
    public bool Take(List<Command> into, int max)
    {
        while (true)
        {
            while (into.Count < max && _queue.TryDequeue(out var command)) into.Add(command);
            if (into.Count > 0) return true;
            if (_completed) return false;

            _wake.Reset();
            // A full fence (not a plain write): the look at the queue below must not move before it.
            Interlocked.Exchange(ref _sleeping, 1);
            if (!_queue.IsEmpty || _completed)
            {
                Volatile.Write(ref _sleeping, 0);
                continue;
            }

            _wake.Wait();
        }
    }

    /// <summary>Everything still queued (when the loop stops or fails, to answer them).</summary>
    public IEnumerable<Command> Drain()
    {
        while (_queue.TryDequeue(out var command)) yield return command;
    }

    public void Dispose() => _wake.Dispose();
}
