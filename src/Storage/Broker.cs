using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using NodaTime;
using Spartan.Domain;
using Spartan.Domain.Events;

namespace Spartan.Storage;

/// <summary>The single writer of a node: every queue operation, read or write, goes through its commit loop.</summary>
/// <remarks>
/// Ownership: one loop task owns the <see cref="QueueSet"/> and the <see cref="IEventLog"/>; request threads only
/// enqueue commands and await their answers, so none blocks. The loop drains whatever is queued, decides and
/// applies each command in order (later ones see earlier effects), appends the batch's events as one write
/// (group commit), and only then completes the batch's callers, so no client sees state that is not committed.
/// Failure: a failed append or a broken invariant fails the batch and every later command with
/// <see cref="StorageUnavailableException"/> and completes <see cref="Faulted"/>; memory is never rolled back
/// by hand, the node is expected to stop and recover from its store.
/// </remarks>
public sealed partial class Broker : IAsyncDisposable
{
    private const int MaxBatch = 4096;
    private readonly Channel<Command> _commands =
        Channel.CreateUnbounded<Command>(new UnboundedChannelOptions { SingleReader = true });
    private readonly TaskCompletionSource<Exception> _faulted = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly QueueSet _state;
    private readonly IEventLog _log;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private Task? _loop;
    private long _lastSequence;
    private Instant _lastNow = Instant.MinValue;

    public Broker(QueueSet state, IEventLog log, TimeProvider time, ILogger<Broker>? logger = null)
    {
        _state = state;
        _log = log;
        _time = time;
        _logger = logger ?? (ILogger)NullLogger.Instance;
        _lastSequence = log.LastSequence;
    }

    /// <summary>Completes with the error that stopped the loop; the host turns it into a stop with exit code 1.</summary>
    public Task<Exception> Faulted => _faulted.Task;

    /// <summary>The sequence number of the last committed event.</summary>
    public long CommittedSequence => Volatile.Read(ref _lastSequence);

    public void Start() => _loop ??= Task.Run(RunAsync);

    /// <summary>Stops taking commands, answers those already queued, and waits for the loop to end.</summary>
    public async Task StopAsync()
    {
        _commands.Writer.TryComplete();
        if (_loop is not null) await _loop;
    }

    public async ValueTask DisposeAsync() => await StopAsync();

    private Task<T> Submit<T>(Command<T> command)
    {
        if (!_commands.Writer.TryWrite(command))
            command.Fail(new StorageUnavailableException("The node is stopping or its store failed."));
        return command.Task;
    }

    private async Task RunAsync()
    {
        var reader = _commands.Reader;
        var batch = new List<Command>();
        var events = new List<QueueEvent>();
        var sequenced = new List<SequencedEvent>();
        try
        {
            while (await reader.WaitToReadAsync())
            {
                while (batch.Count < MaxBatch && reader.TryRead(out var command)) batch.Add(command);

                // Event instants never run backwards in log order, even if the wall clock steps back.
                var now = Instant.FromDateTimeOffset(_time.GetUtcNow());
                if (now < _lastNow) now = _lastNow;
                _lastNow = now;
                foreach (var command in batch) command.Execute(_state, now, events);

                if (events.Count > 0)
                {
                    var next = _lastSequence;
                    foreach (var e in events) sequenced.Add(new SequencedEvent(++next, e));
                    await _log.AppendAsync(sequenced, CancellationToken.None);
                    Volatile.Write(ref _lastSequence, next);
                }

                foreach (var command in batch) command.Complete();
                batch.Clear();
                events.Clear();
                sequenced.Clear();
            }
        }
        catch (Exception error)
        {
            LogFault(_logger, error);
            _commands.Writer.TryComplete();
            var failure = new StorageUnavailableException("The store failed; nothing was acknowledged.", error);
            foreach (var command in batch) command.Fail(failure);
            while (reader.TryRead(out var command)) command.Fail(failure);
            _faulted.TrySetResult(error);
        }
    }

    [LoggerMessage(Level = LogLevel.Critical, Message = "The commit loop stopped; the node must restart and recover")]
    private static partial void LogFault(ILogger logger, Exception error);
}
