using NodaTime;

namespace Spartan.Engine;

/// <summary>The most recent committed events, kept in memory for the replicators to tail, and a signal raised at
/// each commit.</summary>
/// <remarks>Filled by the commit loop (as an <see cref="ICommitObserver"/>) only after a batch is durable, so a
/// replicator never sees an event that is not committed, and sequences arrive without gaps. Read by every
/// replicator task under a lock held only to copy. Events older than the ring are read from the event log (log
/// mode) or replaced by a snapshot transfer.</remarks>
public sealed class RetainedEvents(int capacity = 1 << 16) : ICommitObserver
{
    private readonly SequencedEvent[] _ring = new SequencedEvent[capacity];
    private readonly Lock _lock = new();
    private long _first = 1; // the sequence of the oldest retained event
    private long _last;      // the sequence of the newest retained event (0: none yet)
    private TaskCompletionSource _committed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>The sequence committed last.</summary>
    public long Last
    {
        get { lock (_lock) return _last; }
    }

    /// <summary>The sequence of the oldest retained event (the newest + 1 when none is).</summary>
    public long First
    {
        get { lock (_lock) return _first; }
    }

    /// <summary>Starts numbering after what the node recovered (nothing before it is retained).</summary>
    public void StartAfter(long sequence)
    {
        lock (_lock)
        {
            _first = sequence + 1;
            _last = sequence;
        }
    }

    /// <summary><see cref="StartAfter"/>, for building one in an expression.</summary>
    public RetainedEvents StartingAfter(long sequence)
    {
        StartAfter(sequence);
        return this;
    }

    public void Committed(IReadOnlyList<SequencedEvent> events, TimeSpan writeTime)
    {
        TaskCompletionSource signal;
        lock (_lock)
        {
            foreach (var e in events)
            {
                if (e.Sequence != _last + 1) _first = e.Sequence; // a rebase (never on a primary), start afresh
                _ring[e.Sequence % _ring.Length] = e;
                _last = e.Sequence;
                if (_last - _first + 1 > _ring.Length) _first = _last - _ring.Length + 1;
            }

            signal = _committed;
            _committed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        signal.TrySetResult();
    }

    /// <summary>Copies up to <paramref name="max"/> retained events from <paramref name="from"/> on. False when
    /// <paramref name="from"/> is older than what the ring holds.</summary>
    public bool TryRead(long from, int max, List<SequencedEvent> into)
    {
        lock (_lock)
        {
            if (from < _first) return false;
            for (var s = from; s <= _last && into.Count < max; s++) into.Add(_ring[s % _ring.Length]);
            return true;
        }
    }

    /// <summary>The instant of the event after <paramref name="sequence"/> if retained; when it is older than the ring,
    /// the instant of the oldest retained event (the one sought is at least that old); null when nothing after it is
    /// retained.</summary>
    public Instant? InstantAfter(long sequence)
    {
        lock (_lock)
        {
            if (sequence + 1 > _last || _last < _first) return null;
            var at = Math.Max(sequence + 1, _first);
            return _ring[at % _ring.Length].Event.At;
        }
    }

    /// <summary>Completes when something after <paramref name="sequence"/> is committed.</summary>
    public Task WaitAfterAsync(long sequence)
    {
        lock (_lock) return _last > sequence ? Task.CompletedTask : _committed.Task;
    }
}
