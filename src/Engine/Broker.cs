using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using NodaTime;
using Spartan.Domain;

namespace Spartan.Engine;

/// <summary>The single writer of a node: every queue operation, read or write, goes through its commit loop.</summary>
/// <remarks>
/// Ownership: one loop, on a thread of its own, owns the <see cref="QueueSet"/>, the store's event log and the parked
/// consumers; request threads only enqueue commands and await their answers, so none blocks. Over the transient log of
/// memory mode, where a batch takes microseconds, the thread that enqueues runs the batch itself when no other thread is
/// running one (one owner at a time, handed over by a compare-and-swap), and the loop's thread takes what callers leave
/// (issue 15); either way one batch runs at a time, in the same steps. The loop takes whatever is
/// queued, decides and applies each command in order (later ones see earlier effects), hands newly visible messages to
/// parked consumers, appends the batch's events as one write (group commit), and only then answers the batch's callers,
/// so no client sees state that is not committed. A timer from the injected <see cref="TimeProvider"/> wakes the loop when
/// a wait, a delay or a reservation that a parked consumer cares about ends. The loop is the only writer of the event
/// log, of the history (epochs) and of what replaces or rewinds the store's content (a replica's snapshot install or
/// truncation); snapshot and compaction jobs write only images the loop captured, and never across such a change.
/// Failure: a write the store refuses (a full disk) answers that batch 503, reads the state back from the store and
/// serves reads only until the store takes writes again (SPEC §6). Any other exception in the loop — a broken invariant,
/// a store that cannot even be read — fails the batch, every parked consumer and every later command with
/// <see cref="StorageUnavailableException"/> and completes <see cref="Faulted"/>; the node must stop and recover.
/// </remarks>
public sealed partial class Broker : IAsyncDisposable
{
    private const int MaxBatch = 4096;
    private readonly CommandQueue _commands = new();
    private readonly TaskCompletionSource<Exception> _faulted = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _stopped = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly QueueSet _state;
    private readonly EngineStore _store;
    private readonly IEventLog _log;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly WaitRegistry _waits = new();
    private readonly ITimer _wake;
    private readonly List<Command> _pending = [];
    private readonly List<SequencedEvent> _sequenced = [];
    private readonly CommitBatch _batch;
    private readonly bool _runsInline;
    private Thread? _thread;
    private int _inline;
    private int _owner;
    private long _lastSequence;
    private Instant _lastNow = Instant.MinValue;
    private int _parked;
    private bool _readOnly;
    private bool _followsPrimary;
    private ICommitObserver[] _observers = [];

    /// <param name="state">The state to own, recovered from the store.</param>
    /// <param name="store">The store's ports: where events go, and what a replica's snapshot or a refused write needs.</param>
    /// <param name="time">The one clock of the node.</param>
    /// <param name="logger">Logs a fault or a store that stops taking writes.</param>
    public Broker(QueueSet state, EngineStore store, TimeProvider time, ILogger<Broker>? logger = null)
    {
        _state = state;
        _store = store;
        _log = store.Log;
        _time = time;
        _logger = logger ?? (ILogger)NullLogger.Instance;
        _lastSequence = _log.LastSequence;
        _history = store.History.Read();
        _readOnly = !_log.Writable;
        _batch = new CommitBatch(_state, _waits, _store);
        // Memory mode: an append to the transient log is nothing and a batch takes microseconds, so the thread that
        // submits a command runs the batch itself when no other thread is running one, instead of waking the loop's
        // thread and then waiting for a pool worker to be woken with the answer: two thread hand-offs per request,
        // the largest cost of the request path against a plain ASP.NET Core app (issue 15). The loop's thread takes
        // over what a busy caller leaves (see Drive). A log that writes to disk, and snapshot mode (whose captures copy
        // the whole state), keep every batch on the loop's own thread, where a synced write blocks no pool worker.
        _runsInline = _log is TransientEventLog && store.Snapshots is null;
        PublishQueues();
        _wake = time.CreateTimer(static self => ((Broker)self!).Wake(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    /// <summary>Completes with the error that stopped the loop; the host turns it into a stop with exit code 1.</summary>
    public Task<Exception> Faulted => _faulted.Task;

    /// <summary>The sequence number of the last committed event.</summary>
    public long CommittedSequence => Volatile.Read(ref _lastSequence);

    /// <summary>How many consumers are parked in long polls right now.</summary>
    public int ParkedConsumers => Volatile.Read(ref _parked);

    /// <summary>False while the store refuses writes (SPEC §6: a full disk): reads are served, writes answer 503.</summary>
    public bool Writable => _log.Writable;

    /// <summary>True once <see cref="Start"/> ran.</summary>
    public bool Started => _thread is not null;

    /// <summary>Adds an observer told about each committed batch, on the loop. Observers are fixed once the loop runs.</summary>
    /// <exception cref="InvalidOperationException">The loop already runs.</exception>
    public void AddObserver(ICommitObserver observer)
    {
        if (Started) throw new InvalidOperationException("Observers are added before the commit loop starts.");
        _observers = [.. _observers, observer];
    }

    /// <summary>Starts the commit loop on a thread of its own: it blocks in each synced write and sleeps when idle, and a
    /// pool worker would make the pool juggle threads around it (ADR 0005).</summary>
    public void Start()
    {
        if (_thread is not null) return;
        _thread = new Thread(Run) { IsBackground = true, Name = "Spartan commit loop" };
        _thread.Start();
    }

    /// <summary>Ends every long poll at once (answered with no message) and parks nobody from now on.</summary>
    public Task ReleaseWaitersAsync()
    {
        var release = new ReleaseCommand();
        if (!Add(release)) release.Fail(Stopped());
        return release.Task;
    }

    /// <summary>Releases waiters, stops taking commands, answers those already queued, waits for the loop.</summary>
    public async Task StopAsync()
    {
        _commands.TryAdd(new ReleaseCommand());
        _commands.Complete();
        if (_thread is not null) await _stopped.Task;
        await _wake.DisposeAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _commands.Dispose();
    }

    private Task<T> Submit<T>(Command<T> command)
    {
        if (!Add(command)) command.Fail(Stopped());
        return command.Task;
    }

    /// <summary>The wake timer's callback. Its batch always runs on the loop's thread, never inline on the timer's: a
    /// clock whose timers fire inside the call that moves time (a test's fake clock) would otherwise run the batch at
    /// the timer's instant, re-arm the timer for that same instant and fire it again, without end.</summary>
    private void Wake()
    {
        if (Volatile.Read(ref _inline) == 0)
        {
            _commands.TryAdd(new WakeCommand());
        }
        else if (_commands.TryAdd(new WakeCommand(), wake: false))
        {
            _commands.Signal();
        }
    }

    /// <summary>Queues a command for the loop; false once it stopped. When batches run inline (memory mode), the caller
    /// then runs them itself unless another thread already does, so a command may be answered before this returns.</summary>
    private bool Add(Command command)
    {
        var inline = Volatile.Read(ref _inline) == 1;
        if (!_commands.TryAdd(command, wake: !inline)) return false;
        if (inline) Drive(handOffAfter: MaxInlineBatches);
        return true;
    }

    private static StorageUnavailableException Stopped() => new("The node is stopping or its store failed.");

    private void Run()
    {
        _followsPrimary = _state.FollowsPrimary;
        try
        {
            if (_readOnly) EnterReadOnly(_log.UnwritableReason);
            if (_runsInline)
            {
                RunInline();
                return;
            }

            while (_commands.Take(_pending, MaxBatch)) Commit();
            _stopped.TrySetResult();
        }
        catch (Exception error)
        {
            Fault(error);
        }
    }

    /// <summary>How many batches a caller runs in a row before it hands what is still queued to the loop's thread: a
    /// request thread answers its own command in its first batch and should not serve everyone else's for long.</summary>
    private const int MaxInlineBatches = 4;

    /// <summary>The loop's thread when callers run batches themselves (memory mode): it runs what they hand over, and
    /// at the stop what is left.</summary>
    private void RunInline()
    {
        // From here on callers run batches; what was queued before is taken below, first thing.
        Interlocked.Exchange(ref _inline, 1);
        do
        {
            Drive(handOffAfter: int.MaxValue);
        }
        while (_commands.WaitForSignal());

        // Stopping: nothing more is queued. Take the batches over for good once the thread running one lets go.
        var spin = new SpinWait();
        while (Interlocked.CompareExchange(ref _owner, 1, 0) != 0)
        {
            if (_faulted.Task.IsCompleted) return; // the thread that failed holds on to them and answered everything
            spin.SpinOnce();
        }

        while (_commands.TakeNow(_pending, MaxBatch) > 0)
            if (!TryCommit()) return;
        _stopped.TrySetResult();
    }

    /// <summary>Runs queued batches on this thread unless another thread is running them (that one looks at the queue
    /// again once it lets go, so nothing queued is left behind). After <paramref name="handOffAfter"/> batches, what is
    /// still queued goes to the loop's thread. Never throws: a failure faults the broker (see <see cref="Fault"/>).</summary>
    private void Drive(int handOffAfter)
    {
        var batches = 0;
        while (Interlocked.CompareExchange(ref _owner, 1, 0) == 0)
        {
            while (_commands.TakeNow(_pending, MaxBatch) > 0)
            {
                // A failed batch keeps the ownership: nothing runs after a fault.
                if (!TryCommit()) return;
                if (++batches >= handOffAfter && !_commands.IsEmpty)
                {
                    Interlocked.Exchange(ref _owner, 0);
                    _commands.Signal();
                    return;
                }
            }

            // A full fence before looking at the queue: a command added meanwhile by a caller that found this thread
            // running batches is seen here, or its caller sees the ownership free and runs it.
            Interlocked.Exchange(ref _owner, 0);
            if (_commands.IsEmpty) return;
        }
    }

    private bool TryCommit()
    {
        try
        {
            Commit();
            return true;
        }
        catch (Exception error)
        {
            Fault(error);
            return false;
        }
    }

    /// <summary>One batch: the commands in <see cref="_pending"/> decided in order, parked consumers served, the events
    /// appended as one write, then the callers answered.</summary>
    private void Commit()
    {
        var pending = _pending;
        var batch = _batch;
        var served = batch.Served;
        var sequenced = _sequenced;
        // Event instants never run backwards in log order, even if the wall clock steps back.
        var now = Instant.FromDateTimeOffset(_time.GetUtcNow());
        if (now < _lastNow) now = _lastNow;
        _lastNow = batch.Now = now;
        batch.CommittedSequence = _lastSequence;
        if (_readOnly && _log.Writable) LeaveReadOnly();
        foreach (var command in pending)
        {
            if (_readOnly && !command.Reads) command.Fail(Unwritable());
            else if (_following && !command.FollowerRuns) command.Fail(new NotPrimaryException());
            else if (_leading && command.FollowerRuns && !command.Reads)
                command.Fail(new NotPrimaryException("This node leads the cluster; it takes no other node's stream."));
            // The queue was deleted after the request was admitted: nothing to do but say so.
            else if (command.Queue is { } queue && !_state.Contains(queue)) command.Fail(new QueueNotFoundException(queue));
            else command.Execute(batch);
        }

        _waits.Serve(batch, served);

        var wrote = batch.Events.Count > 0;
        if (batch.RebaseTo is { } rebase)
        {
            // The state was replaced whole, and its store rewritten, by the command that set it.
            Volatile.Write(ref _lastSequence, rebase);
            batch.RebaseTo = null;
            wrote = false;
        }
        else if (wrote && !TryAppend(batch, sequenced, pending, served))
        {
            PublishQueues();
            Clear(pending, served, batch, sequenced);
            return;
        }

        PublishQueues();
        batch.CommittedSequence = _lastSequence;
        Answer(pending, served, wrote);
        Clear(pending, served, batch, sequenced);
        Volatile.Write(ref _parked, _waits.Parked);
        ArmWakeTimer(now);
    }

    /// <summary>Anything thrown while running a batch stops the loop: the batch, every parked consumer and every later
    /// command are answered 503, and <see cref="Faulted"/> completes.</summary>
    private void Fault(Exception error)
    {
        LogFault(_logger, error);
        _commands.Complete();
        var failure = new StorageUnavailableException("The store failed; nothing was acknowledged.", error);
        foreach (var command in _pending) command.Fail(failure);
        foreach (var (waiter, _) in _batch.Served) waiter.Fail(failure);
        _waits.FailAll(failure);
        foreach (var command in _commands.Drain()) command.Fail(failure);
        _faulted.TrySetResult(error);
        _stopped.TrySetResult();
    }

    private static void Clear(List<Command> pending, List<(Waiter, IReadOnlyList<MessageSnapshot>)> served, CommitBatch batch,
        List<SequencedEvent> sequenced)
    {
        pending.Clear();
        served.Clear();
        batch.Events.Clear();
        sequenced.Clear();
    }

    /// <summary>Appends the batch; when the store refuses it and a recovery is known, answers the batch 503, puts the
    /// state back to what the store holds and serves reads only (SPEC §6). Without a recovery the failure is thrown
    /// (fail-stop).</summary>
    private bool TryAppend(CommitBatch batch, List<SequencedEvent> sequenced, List<Command> pending,
        List<(Waiter Waiter, IReadOnlyList<MessageSnapshot> Messages)> served)
    {
        try
        {
            Append(batch, sequenced);
            return true;
        }
        catch (Exception error) when (_store.Recovery is not null && !_log.Writable)
        {
            // Memory already holds the refused batch; never undo it by hand: read back what the store holds.
            var rebuilt = _store.Recovery.Rebuild(_state);
            if (rebuilt != _lastSequence)
                throw new InvalidOperationException(
                    $"The store holds events up to {rebuilt} after a refused write, but {_lastSequence} were committed.", error);
            LogRefused(_logger, _log.UnwritableReason ?? error.Message);
            EnterReadOnly(_log.UnwritableReason);
            // Answered last, so a caller that hears 503 already finds the node serving reads only.
            var refused = new StorageUnavailableException("The store refused the write; nothing was acknowledged.", error);
            foreach (var command in pending) command.Fail(refused);
            foreach (var (waiter, _) in served) waiter.Fail(refused);
            return false;
        }
    }

    /// <summary>Serves reads only: no event may be decided, so reads stop acting on time (as a replica's do) and
    /// consumers parked for messages are answered 503, since no pop can be committed.</summary>
    private void EnterReadOnly(string? reason)
    {
        _readOnly = true;
        _state.FollowsPrimary = true;
        _waits.FailAll(Unwritable());
        Volatile.Write(ref _parked, 0);
        if (reason is not null) LogReadOnly(_logger, reason);
    }

    private void LeaveReadOnly()
    {
        // A writer's epoch begins before its first event is stored; refused again, the node stays read-only.
        if (_epochPending && !TryBeginEpoch(_lastSequence + 1, out _)) return;
        _readOnly = false;
        _state.FollowsPrimary = _followsPrimary;
        LogWritable(_logger);
    }

    private StorageUnavailableException Unwritable() =>
        new($"The store takes no writes: {_log.UnwritableReason ?? "it failed"}.");

    private void Append(CommitBatch batch, List<SequencedEvent> sequenced)
    {
        var next = _lastSequence;
        foreach (var e in batch.Events) sequenced.Add(new SequencedEvent(++next, e));
        var started = Stopwatch.GetTimestamp();
        _log.Append(sequenced);
        Volatile.Write(ref _lastSequence, next);
        var elapsed = Stopwatch.GetElapsedTime(started);
        foreach (var observer in _observers) observer.Committed(sequenced, elapsed);
    }

    private void ArmWakeTimer(Instant now)
    {
        if (_waits.NextWake(_state) is { } wake)
        {
            var due = wake - now;
            _wake.Change(due > Duration.Zero ? due.ToTimeSpan() : TimeSpan.Zero, Timeout.InfiniteTimeSpan);
        }
        else
        {
            _wake.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        }
    }

    /// <summary>Marks the registry released; the loop's serve step then ends every wait.</summary>
    private sealed class ReleaseCommand : Command
    {
        private readonly TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task Task => _done.Task;

        public override bool Reads => true;

        public override void Execute(CommitBatch batch) => batch.Waits.Release();

        public override void Complete() => _done.TrySetResult();

        public override void Fail(Exception error) => _done.TrySetException(error);
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "The store refused a write ({Reason}); that batch answered 503 and the state was read back from the store")]
    private static partial void LogRefused(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Serving reads only: {Reason}. Writes answer 503 until the store takes writes again")]
    private static partial void LogReadOnly(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "The store takes writes again; serving writes")]
    private static partial void LogWritable(ILogger logger);

    [LoggerMessage(Level = LogLevel.Critical, Message = "The commit loop stopped; the node must restart and recover")]
    private static partial void LogFault(ILogger logger, Exception error);
}
