using System.Diagnostics;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using NodaTime;
using Spartan.Domain;

namespace Spartan.Storage;

/// <summary>Told about every committed batch, on the commit loop: keep it cheap (metrics, replication signal).</summary>
public interface ICommitObserver
{
    void Committed(IReadOnlyList<SequencedEvent> events, TimeSpan writeTime);
}

/// <summary>The single writer of a node: every queue operation, read or write, goes through its commit loop.</summary>
/// <remarks>
/// Ownership: one loop owns the <see cref="QueueSet"/>, the <see cref="IEventLog"/> and the parked consumers;
/// request threads only enqueue commands and await their answers, so none blocks. The loop drains whatever is
/// queued, decides and applies each command in order (later ones see earlier effects), hands newly visible
/// messages to parked consumers, appends the batch's events as one write (group commit), and only then answers
/// the batch's callers, so no client sees state that is not committed. A timer from the injected
/// <see cref="TimeProvider"/> wakes the loop when a wait, a delay or a reservation that a parked consumer cares
/// about ends.
/// Failure: a failed append or a broken invariant fails the batch, every parked consumer and every later command
/// with <see cref="StorageUnavailableException"/> and completes <see cref="Faulted"/>; memory is never rolled back
/// by hand, the node is expected to stop and recover from its store.
/// </remarks>
public sealed partial class Broker : IAsyncDisposable
{
    private const int MaxBatch = 4096;
    private readonly Channel<Command> _commands;
    private readonly TaskCompletionSource<Exception> _faulted = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly QueueSet _state;
    private readonly IEventLog _log;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly WaitRegistry _waits = new();
    private readonly IStoreRecovery? _recovery;
    private readonly ITimer _wake;
    private Task? _loop;
    private Thread? _thread;
    private long _lastSequence;
    private Instant _lastNow = Instant.MinValue;
    private int _parked;
    private bool _readOnly;
    private bool _followsPrimary;

    /// <param name="state">The state to own, recovered from the store.</param>
    /// <param name="log">Where committed events go.</param>
    /// <param name="time">The one clock of the node.</param>
    /// <param name="logger">Logs a fault or a store that stops taking writes.</param>
    /// <param name="recovery">How to rebuild the state from the store after a write it refused; without one, such a
    /// failure stops the loop (fail-stop).</param>
    public Broker(QueueSet state, IEventLog log, TimeProvider time, ILogger<Broker>? logger = null, IStoreRecovery? recovery = null)
    {
        _state = state;
        _log = log;
        _time = time;
        _recovery = recovery;
        _logger = logger ?? (ILogger)NullLogger.Instance;
        _readOnly = !log.Writable;
        _lastSequence = log.LastSequence;
        // On its own thread the loop blocks while idle, and a writer's synchronous continuation only wakes it; on the
        // pool, a synchronous continuation would run the whole loop on the writer's request thread.
        _commands = Channel.CreateUnbounded<Command>(new UnboundedChannelOptions
        {
            SingleReader = true,
            AllowSynchronousContinuations = log.SyncsEachWrite,
        });
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

    private ICommitObserver[] _observers = [];

    /// <summary>Adds an observer told about each committed batch, on the loop (call before <see cref="Start"/>).</summary>
    public void AddObserver(ICommitObserver observer) => _observers = [.. _observers, observer];

    /// <summary>Starts the commit loop: on a thread of its own when the log syncs each write, else on the pool.</summary>
    /// <remarks>
    /// With <c>fsync = "always"</c> the loop blocks in the sync for about 0.2 ms per batch; on a pool worker that
    /// made the pool juggle threads (measured: 30% more CPU per push and 1.4× fewer pushes/s than on its own thread).
    /// Without it the loop never blocks, and as a pool work item it rides on threads that are already running, where
    /// a thread of its own must be woken by the OS for every batch: the same throughput, but under CPU contention
    /// parked consumers were woken later (ADR 0005).
    /// </remarks>
    public void Start()
    {
        if (_loop is not null) return;
        if (!_log.SyncsEachWrite)
        {
            _loop = Task.Run(RunAsync);
            return;
        }

        var stopped = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _loop = stopped.Task;
        var thread = new Thread(() =>
        {
            try
            {
                RunAsync().GetAwaiter().GetResult();
                stopped.TrySetResult();
            }
            catch (Exception error)
            {
                stopped.TrySetException(error);
            }
        })
        {
            IsBackground = true,
            Name = "Spartan commit loop",
        };
        _thread = thread;
        thread.Start();
    }

    /// <summary>Ends every long poll at once (answered with no message) and parks nobody from now on.</summary>
    public Task ReleaseWaitersAsync()
    {
        var release = new ReleaseCommand();
        if (!_commands.Writer.TryWrite(release)) release.Fail(Stopped());
        return release.Task;
    }

    /// <summary>Releases waiters, stops taking commands, answers those already queued, waits for the loop.</summary>
    public async Task StopAsync()
    {
        _commands.Writer.TryWrite(new ReleaseCommand());
        _commands.Writer.TryComplete();
        if (_loop is not null) await _loop;
        await _wake.DisposeAsync();
    }

    public async ValueTask DisposeAsync() => await StopAsync();

    private Task<T> Submit<T>(Command<T> command)
    {
        if (!_commands.Writer.TryWrite(command)) command.Fail(Stopped());
        return command.Task;
    }

    private void Wake() => _commands.Writer.TryWrite(new WakeCommand());

    private static StorageUnavailableException Stopped() => new("The node is stopping or its store failed.");

    private async Task RunAsync()
    {
        var reader = _commands.Reader;
        var pending = new List<Command>();
        var batch = new CommitBatch(_state, _waits);
        var served = batch.Served;
        var sequenced = new List<SequencedEvent>();
        _followsPrimary = _state.FollowsPrimary;
        if (_readOnly) EnterReadOnly(_log.UnwritableReason);
        try
        {
            while (await WaitForCommandsAsync(reader))
            {
                while (pending.Count < MaxBatch && reader.TryRead(out var command)) pending.Add(command);

                // Event instants never run backwards in log order, even if the wall clock steps back.
                var now = Instant.FromDateTimeOffset(_time.GetUtcNow());
                if (now < _lastNow) now = _lastNow;
                _lastNow = batch.Now = now;
                batch.CommittedSequence = _lastSequence;
                if (_readOnly && _log.Writable) LeaveReadOnly();
                foreach (var command in pending)
                {
                    if (_readOnly && !command.Reads) command.Fail(Unwritable());
                    else command.Execute(batch);
                }

                _waits.Serve(batch, served);

                if (batch.RebaseTo is { } rebase)
                {
                    // The state was replaced whole; its store was rewritten by the installer before the command.
                    Volatile.Write(ref _lastSequence, rebase);
                    batch.RebaseTo = null;
                }
                else if (batch.Events.Count > 0 && !await TryAppendAsync(batch, sequenced, pending, served))
                {
                    pending.Clear();
                    served.Clear();
                    batch.Events.Clear();
                    sequenced.Clear();
                    continue;
                }

                batch.CommittedSequence = _lastSequence;
                foreach (var command in pending) command.Complete();
                foreach (var (waiter, messages) in served) waiter.Complete(messages);
                pending.Clear();
                served.Clear();
                batch.Events.Clear();
                sequenced.Clear();
                Volatile.Write(ref _parked, _waits.Parked);
                ArmWakeTimer(now);
            }
        }
        catch (Exception error)
        {
            LogFault(_logger, error);
            _commands.Writer.TryComplete();
            var failure = new StorageUnavailableException("The store failed; nothing was acknowledged.", error);
            foreach (var command in pending) command.Fail(failure);
            foreach (var (waiter, _) in served) waiter.Fail(failure);
            _waits.FailAll(failure);
            while (reader.TryRead(out var command)) command.Fail(failure);
            _faulted.TrySetResult(error);
        }
    }

    /// <summary>On the loop's own thread, blocks it until a command is queued; on the pool, yields the worker.</summary>
    private ValueTask<bool> WaitForCommandsAsync(ChannelReader<Command> reader)
    {
        var wait = reader.WaitToReadAsync();
        return wait.IsCompleted || Thread.CurrentThread != _thread
            ? wait
            : new ValueTask<bool>(wait.AsTask().GetAwaiter().GetResult());
    }

    /// <summary>Appends the batch; when the store refuses it and a recovery is known, answers the batch 503, puts the
    /// state back to what the store holds and serves reads only (SPEC §6). Without a recovery the failure is thrown
    /// (fail-stop).</summary>
    private async ValueTask<bool> TryAppendAsync(CommitBatch batch, List<SequencedEvent> sequenced, List<Command> pending,
        List<(Waiter Waiter, IReadOnlyList<MessageSnapshot> Messages)> served)
    {
        try
        {
            await AppendAsync(batch, sequenced);
            return true;
        }
        catch (Exception error) when (_recovery is not null && !_log.Writable)
        {
            // Memory already holds the refused batch; never undo it by hand: read back what the store holds.
            var rebuilt = _recovery.Rebuild(_state);
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
        _readOnly = false;
        _state.FollowsPrimary = _followsPrimary;
        LogWritable(_logger);
    }

    private StorageUnavailableException Unwritable() =>
        new($"The store takes no writes: {_log.UnwritableReason ?? "it failed"}.");

    private async ValueTask AppendAsync(CommitBatch batch, List<SequencedEvent> sequenced)
    {
        var next = _lastSequence;
        foreach (var e in batch.Events) sequenced.Add(new SequencedEvent(++next, e));
        var started = Stopwatch.GetTimestamp();
        // A syncing log completes synchronously, so the loop stays on its own thread; one that does not moves the
        // loop to the pool, which is slower but still correct (it is still the only reader).
        await _log.AppendAsync(sequenced, CancellationToken.None);
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
