using Spartan.Api.Configuration;
using Spartan.Domain;
using Spartan.Engine;

namespace Spartan.Api.Hosting;

/// <summary>Snapshot mode (SPEC §6): folds the state into snapshot blobs every <c>timer</c> seconds and once more at a
/// graceful stop.</summary>
/// <remarks>The commit loop pauses only to copy the state (<see cref="Broker.CaptureAndPersistAsync"/>); encoding and the
/// synced write run here, on the timer's thread, one at a time, and never write a capture that a replica's snapshot install
/// or truncation made stale. A failed periodic snapshot is logged and retried at the next
/// tick (the previous snapshot stays intact). It starts first among a node's parts, so it stops last, after the commit
/// loop: the final snapshot sees every answered request.</remarks>
public sealed partial class SnapshotJob(NodeStorage storage, Broker broker, TimeProvider time, BackgroundFailures failures,
    ILogger<SnapshotJob> logger) : INodePart, IAsyncDisposable
{
    public string Name => "snapshots";

    private readonly SemaphoreSlim _writing = new(1, 1);
    private ITimer? _timer;
    private long _written = -1;
    private volatile bool _failed;

    private bool Enabled => storage.Persistence?.Mode == PersistenceMode.Snapshot && storage.Store is not null;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (!Enabled) return Task.CompletedTask;
        var period = TimeSpan.FromSeconds(storage.Persistence!.TimerSeconds);
        _timer = time.CreateTimer(static self => _ = ((SnapshotJob)self!).PeriodicAsync(), this, period, period);
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (!Enabled) return;
        if (_timer is not null) await _timer.DisposeAsync();
        await _writing.WaitAsync(CancellationToken.None);
        try
        {
            Write(broker.CaptureStopped(), "final");
        }
        finally
        {
            _writing.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_timer is not null) await _timer.DisposeAsync();
        _writing.Dispose();
    }

    /// <summary>Takes a fresh snapshot and, with no other snapshot write in between, lets <paramref name="copy"/> copy
    /// the store (a backup in snapshot mode: the copy holds exactly that snapshot).</summary>
    /// <returns>The snapshot's sequence and how many messages it holds.</returns>
    public async Task<(long Sequence, long Messages)> SnapshotThenAsync(Action<long> copy)
    {
        await _writing.WaitAsync(CancellationToken.None);
        try
        {
            // A replica's snapshot install or truncation between the capture and the write makes the capture stale:
            // then the store already holds a newer snapshot, and one more capture is taken.
            StateImage? image = null;
            for (var attempt = 0; attempt < 3 && image is null; attempt++)
                image = await broker.CaptureAndPersistAsync(captured =>
                {
                    Write(captured, "backup");
                    copy(captured.Sequence);
                });
            if (image is null) throw new StorageUnavailableException("The store's content kept being replaced by the primary's; no backup was taken.");
            _failed = false;
            long messages = 0;
            foreach (var queue in image.Queues) messages += queue.Messages.Length;
            return (image.Sequence, messages);
        }
        finally
        {
            _writing.Release();
        }
    }

    /// <summary>Takes the snapshot now if the last one failed (the store takes writes again).</summary>
    public void RetryFailed()
    {
        if (Enabled && _failed) _ = PeriodicAsync();
    }

    private async Task PeriodicAsync()
    {
        if (!await _writing.WaitAsync(0)) return; // the previous snapshot is still being written
        try
        {
            if (broker.CommittedSequence == _written) return; // nothing changed since the last one
            // Null when a replica's snapshot install or truncation came between capture and write: the store holds
            // what replaced it, and the next tick writes a fresh capture.
            await broker.CaptureAndPersistAsync(image => Write(image, "periodic"));
            _failed = false;
        }
        catch (Exception error)
        {
            _failed = true;
            failures.Report("snapshot", "a periodic snapshot (the previous one stays)", error);
        }
        finally
        {
            _writing.Release();
        }
    }

    private void Write(StateImage image, string kind)
    {
        var started = time.GetTimestamp();
        storage.Store!.Snapshots.Write(image);
        _written = image.Sequence;
        var messages = 0;
        foreach (var queue in image.Queues) messages += queue.Messages.Length;
        var milliseconds = (long)time.GetElapsedTime(started).TotalMilliseconds;
        LogWritten(logger, kind, messages, image.Sequence, milliseconds);
    }

    [LoggerMessage(EventId = 20, Level = LogLevel.Information,
        Message = "Wrote the {Kind} snapshot: {Messages} messages at sequence {Sequence} in {Milliseconds} ms")]
    private static partial void LogWritten(ILogger logger, string kind, int messages, long sequence, long milliseconds);

}
