using Microsoft.Extensions.Hosting;

namespace Spartan.Client;

/// <summary>Runs a handler over the messages of one queue: at most <see cref="ProcessorOptions.MaxConcurrency"/> at
/// once, deleting each message its handler finished and requeueing each one whose handler threw. An
/// <see cref="IHostedService"/>: register it with <c>AddSpartanProcessor</c>, or call <see cref="RunAsync"/> from a
/// <see cref="BackgroundService"/>.</summary>
public sealed class SpartanProcessor : IHostedService, IAsyncDisposable
{
    private readonly SpartanClient _client;
    private readonly string _queue;
    private readonly Func<ReceivedMessage, CancellationToken, Task> _handler;
    private readonly ProcessorOptions _options;
    private readonly SemaphoreSlim _slots;
    private readonly CancellationTokenSource _stopping = new();
    private readonly CancellationTokenSource _abort = new();
    private readonly Lock _gate = new();
    private readonly HashSet<Task> _running = [];
    private Task? _loop;
    private int _inFlight;

    /// <summary>A processor of <paramref name="queue"/>; it starts receiving at <see cref="StartAsync"/>.</summary>
    public SpartanProcessor(SpartanClient client, string queue, Func<ReceivedMessage, CancellationToken, Task> handler,
        ProcessorOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentException.ThrowIfNullOrEmpty(queue);
        ArgumentNullException.ThrowIfNull(handler);
        _options = options ?? new ProcessorOptions();
        _options.Validate();
        ArgumentOutOfRangeException.ThrowIfLessThan(_options.MaxConcurrency, 1, nameof(options));
        _client = client;
        _queue = queue;
        _handler = handler;
        _slots = new SemaphoreSlim(_options.MaxConcurrency, _options.MaxConcurrency);
    }

    /// <summary>How many handlers run now.</summary>
    public int InFlight => Volatile.Read(ref _inFlight);

    /// <summary>Starts receiving and handling in the background; returns at once.</summary>
    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (_loop is not null) throw new InvalidOperationException("The processor was started already.");
        _loop = Task.Run(RunLoopAsync, CancellationToken.None);
        return Task.CompletedTask;
    }

    /// <summary>Stops gracefully: no new message is taken, the buffered ones are requeued, and the running handlers
    /// finish (and their messages are deleted or requeued). When <paramref name="cancellationToken"/> is cancelled first,
    /// the handlers' tokens are cancelled and this returns without waiting longer.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_loop is null) return;
        await _stopping.CancelAsync().ConfigureAwait(false);
        using var abort = cancellationToken.Register(static s => ((CancellationTokenSource)s!).Cancel(), _abort);
        await _loop.WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    /// <summary>Runs until <paramref name="stoppingToken"/> is cancelled, then stops gracefully, waiting for the running
    /// handlers: the body of a <see cref="BackgroundService.ExecuteAsync"/>.</summary>
    public async Task RunAsync(CancellationToken stoppingToken)
    {
        await StartAsync(stoppingToken).ConfigureAwait(false);
        await Task.Delay(Timeout.Infinite, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        await StopAsync(CancellationToken.None).ConfigureAwait(false);
    }

    /// <summary>Stops (gracefully) and releases the processor.</summary>
    public async ValueTask DisposeAsync()
    {
        await StopAsync(CancellationToken.None).ConfigureAwait(false);
        _slots.Dispose();
        _stopping.Dispose();
        _abort.Dispose();
    }

    private async Task RunLoopAsync()
    {
        var consumer = new MessageConsumer(_client, _queue, _options);
        var stop = _stopping.Token;
        try
        {
            while (!stop.IsCancellationRequested)
            {
                // A free slot first, then a message: a message is never taken from the buffer before a handler can
                // start on it, so MaxConcurrency bounds what is handed out, and the rest stays requeueable.
                if (!await Wait(_slots, stop).ConfigureAwait(false)) break;
                ReceivedMessage message;
                try
                {
                    // This slot and the free ones: never reserve more than handlers can start on now, so that a
                    // stop has (almost) nothing to hand back, which would cost each message a try.
                    message = await consumer.ReceiveAsync(stop, _slots.CurrentCount + 1).ConfigureAwait(false);
                }
                catch (Exception e)
                {
                    _slots.Release();
                    if (stop.IsCancellationRequested) break;
                    Report(e, null);
                    await Task.Delay(_options.ErrorBackoff, _client.Time, stop).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                    continue;
                }

                Interlocked.Increment(ref _inFlight);
                Track(Task.Run(() => HandleAsync(message), CancellationToken.None));
            }
        }
        finally
        {
            await consumer.ReturnBufferedAsync().ConfigureAwait(false);
            Task[] running;
            lock (_gate) running = [.. _running];
            // The handlers' messages stay extended until they are completed.
            await Task.WhenAll(running).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            await consumer.DisposeAsync().ConfigureAwait(false);
        }
    }

    private async Task HandleAsync(ReceivedMessage message)
    {
        try
        {
            bool handled;
            try
            {
                await _handler(message, _abort.Token).ConfigureAwait(false);
                handled = true;
            }
            catch (Exception e)
            {
                Report(e, message);
                handled = false;
            }

            try
            {
                if (handled) await _client.DeleteAsync(message, CancellationToken.None).ConfigureAwait(false);
                else await _client.RequeueAsync(message, CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception e)
            {
                // The reservation runs out and the message comes back: at least once, never lost.
                Report(e, message);
            }
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
            _slots.Release();
        }
    }

    private void Track(Task task)
    {
        lock (_gate) _running.Add(task);
        task.ContinueWith(static (t, s) =>
        {
            var processor = (SpartanProcessor)s!;
            lock (processor._gate) processor._running.Remove(t);
        }, this, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    private void Report(Exception error, ReceivedMessage? message)
    {
        try
        {
            _options.OnError?.Invoke(error, message);
        }
        catch (Exception)
        {
            // an error callback that throws must not stop the processor
        }
    }

    private static async Task<bool> Wait(SemaphoreSlim slots, CancellationToken stop)
    {
        try
        {
            await slots.WaitAsync(stop).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}
