using Spartan.Domain;
using Spartan.Engine;

namespace Spartan.Engine.Tests;

/// <summary>An event log that records each append and can hold appends back or fail them on demand.</summary>
/// <remarks>The commit loop calls <see cref="Append"/> on its own thread and waits for it, so holding an append blocks
/// that thread, as a slow disk would.</remarks>
internal sealed class RecordingLog : IEventLog, IDisposable
{
    private readonly object _gate = new();
    private readonly ManualResetEventSlim _release = new(initialState: true);

    public List<SequencedEvent[]> Appends { get; } = [];
    public long LastSequence { get; set; }
    public long FirstSequence => LastSequence + 1;
    public Exception? FailWith { get; set; }

    /// <summary>Set to make the log report that it refuses writes (a full disk), as a store does after a failed write.</summary>
    public string? UnwritableReason { get; set; }

    public bool Writable => UnwritableReason is null;

    /// <summary>Completes when an append has started and is being held.</summary>
    public TaskCompletionSource Holding { get; private set; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Hold()
    {
        lock (_gate)
        {
            _release.Reset();
            Holding = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
    }

    public void Release() => _release.Set();

    public void Append(IReadOnlyList<SequencedEvent> batch)
    {
        lock (_gate) Holding.TrySetResult();
        if (!_release.Wait(TimeSpan.FromSeconds(30))) throw new TimeoutException("an append was held for 30 s");
        if (FailWith is not null) throw FailWith;
        lock (_gate) Appends.Add([.. batch]);
        LastSequence = batch[^1].Sequence;
    }

    /// <summary>Drops every event after <paramref name="sequence"/>, as a store's truncation does.</summary>
    public void TruncateAfter(long sequence)
    {
        lock (_gate)
        {
            for (var i = Appends.Count - 1; i >= 0; i--)
            {
                Appends[i] = [.. Appends[i].Where(e => e.Sequence <= sequence)];
                if (Appends[i].Length == 0) Appends.RemoveAt(i);
            }
        }

        LastSequence = Math.Min(LastSequence, sequence);
    }

    public IReadOnlyList<SequencedEvent> Read(long fromInclusive, int limit)
    {
        lock (_gate)
            return [.. Appends.SelectMany(a => a).Where(e => e.Sequence >= fromInclusive).Take(limit)];
    }

    public void Dispose() => _release.Dispose();
}

/// <summary>Rebuilds by folding what the recording log stored, as the RocksDB recovery folds the folder.</summary>
internal sealed class ReplayRecovery(RecordingLog log) : IStoreRecovery
{
    public int Rebuilds { get; private set; }

    public long Rebuild(QueueSet state)
    {
        Rebuilds++;
        state.Restore(new StateImage(0, []));
        long last = 0;
        foreach (var batch in log.Appends)
        foreach (var (sequence, e) in batch)
        {
            state.Apply(e);
            last = sequence;
        }

        return last;
    }
}
