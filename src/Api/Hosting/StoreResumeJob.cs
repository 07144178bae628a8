using Spartan.Engine;

namespace Spartan.Api.Hosting;

/// <summary>SPEC §6: a store that refused a write (a full disk) is retried every 5 s and takes writes again by
/// itself once it can; <c>spartan_storage_writable</c> shows which it is.</summary>
/// <remarks>Runs on a timer of the injected <see cref="TimeProvider"/>, one attempt at a time. A reopen waits for the
/// store's readers and writers of the moment and never runs beside them (RocksStore's lease). The commit loop notices
/// by itself that the store is writable again; a snapshot-mode node takes the snapshot that failed at once. A store
/// that cannot even be opened for reading any more stops the node (exit 1): nothing could be served from it.</remarks>
public sealed partial class StoreResumeJob(NodeStorage storage, SnapshotJob snapshots, TimeProvider time,
    IHostApplicationLifetime lifetime, ILogger<StoreResumeJob> logger) : INodePart, IAsyncDisposable
{
    public string Name => "store resume";

    /// <summary>How often an unwritable store is tried again.</summary>
    public static readonly TimeSpan Period = TimeSpan.FromSeconds(5);

    private ITimer? _timer;
    private int _running;
    private string? _lastProblem;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (storage.Store is not null)
            _timer = time.CreateTimer(static self => ((StoreResumeJob)self!).Attempt(), this, Period, Period);
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken) => await DisposeAsync();

    public async ValueTask DisposeAsync()
    {
        if (_timer is not null) await _timer.DisposeAsync();
        _timer = null;
    }

    private void Attempt()
    {
        var store = storage.Store!;
        if (store.Writable || Interlocked.Exchange(ref _running, 1) == 1) return;
        try
        {
            if (store.TryReopen(out var problem))
            {
                _lastProblem = null;
                LogResumed(logger, store.Path);
                snapshots.RetryFailed();
            }
            else if (problem != _lastProblem)
            {
                _lastProblem = problem;
                LogStillUnwritable(logger, problem ?? "unknown");
            }
        }
        catch (StoreException lost)
        {
            LogLost(logger, lost.Message);
            Environment.ExitCode = 1;
            lifetime.StopApplication();
        }
        catch (ObjectDisposedException)
        {
            // The node is stopping and closed the store.
        }
        finally
        {
            Volatile.Write(ref _running, 0);
        }
    }

    [LoggerMessage(EventId = 15, Level = LogLevel.Information, Message = "The store on {Path} takes writes again")]
    private static partial void LogResumed(ILogger logger, string path);

    [LoggerMessage(EventId = 16, Level = LogLevel.Warning, Message = "The store still takes no writes ({Reason}); trying again every 5 s")]
    private static partial void LogStillUnwritable(ILogger logger, string reason);

    [LoggerMessage(EventId = 17, Level = LogLevel.Critical, Message = "Stopping: the store cannot be reopened ({Reason})")]
    private static partial void LogLost(ILogger logger, string reason);
}
