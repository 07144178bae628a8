namespace Spartan.Storage.Tests;

/// <summary>An event log that records each append and can hold appends back or fail them on demand.</summary>
internal sealed class RecordingLog : IEventLog
{
    private readonly object _gate = new();
    private TaskCompletionSource _release = CompletedGate();

    public List<SequencedEvent[]> Appends { get; } = [];
    public long LastSequence { get; set; }
    public bool SyncsEachWrite { get; init; }
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
            _release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            Holding = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
    }

    public void Release()
    {
        lock (_gate) _release.TrySetResult();
    }

    public async ValueTask AppendAsync(IReadOnlyList<SequencedEvent> batch, CancellationToken cancellationToken)
    {
        Task release;
        lock (_gate)
        {
            release = _release.Task;
            Holding.TrySetResult();
        }

        await release;
        if (FailWith is not null) throw FailWith;
        lock (_gate) Appends.Add([.. batch]);
        LastSequence = batch[^1].Sequence;
    }

    private static TaskCompletionSource CompletedGate()
    {
        var done = new TaskCompletionSource();
        done.SetResult();
        return done;
    }
}
