namespace Spartan.Client.Batching;

/// <summary>Gathers concurrent calls for one queue into batch requests. A batch goes out when it holds the maximum, or
/// when the linger since its first pending call has elapsed; one batch is in flight at a time, so batches reach the
/// server in the order their calls were made, and calls made meanwhile gather into the next batch (producers wait
/// behind a slow request only for as long as it takes, never for each other's).</summary>
internal abstract class Batcher<TItem, TResult> : IAsyncDisposable
{
    private readonly Lock _gate = new();
    private readonly List<Entry> _pending = [];
    private readonly TimeProvider _time;
    private readonly TimeSpan _linger;
    private readonly int _max;
    private ITimer? _timer;
    private int _timerGeneration;
    private bool _lingerElapsed;
    private bool _inFlight;
    private bool _flushing;
    private bool _disposed;
    private List<Entry>? _current;

    protected Batcher(TimeProvider time, TimeSpan linger, int max)
    {
        _time = time;
        _linger = linger;
        _max = max;
    }

    /// <summary>Sends one batch and completes every entry of it, each with its own result or error.</summary>
    protected abstract Task SendAsync(IReadOnlyList<Entry> batch);

    /// <summary>Items with equal keys never share a batch (a later one waits for the next).</summary>
    protected virtual object? KeyOf(TItem item) => null;

    public Task<TResult> EnqueueAsync(TItem item, CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        var entry = new Entry(item);
        // Registered before the entry is shared: a caller that gives up before its batch goes is left out of it.
        if (ct.CanBeCanceled) entry.Registration = ct.Register(static e => ((Entry)e!).Cancel(), entry);
        List<Entry>? batch;
        lock (_gate)
        {
            if (_disposed)
            {
                entry.Fail(new ObjectDisposedException(GetType().Name));
                return entry.Task;
            }

            _pending.Add(entry);
            if (_pending.Count == 1 && _linger > TimeSpan.Zero) ArmTimer();
            batch = TakeIfReady();
        }

        if (batch is not null) _ = RunAsync(batch);
        return entry.Task;
    }

    /// <summary>Sends what is pending now and waits until every call made so far is answered.</summary>
    public async Task FlushAsync()
    {
        List<Task> waiting;
        List<Entry>? batch;
        lock (_gate)
        {
            waiting = [.. _pending.Select(e => (Task)e.Task)];
            if (_current is not null) waiting.AddRange(_current.Select(e => (Task)e.Task));
            if (_pending.Count > 0) _flushing = true;
            batch = TakeIfReady();
        }

        if (batch is not null) _ = RunAsync(batch);
        // The callers see their own errors; a flush only waits for the answers.
        await Task.WhenAll(waiting).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    public async ValueTask DisposeAsync()
    {
        lock (_gate) _disposed = true;
        await FlushAsync().ConfigureAwait(false);
        lock (_gate)
        {
            _timer?.Dispose();
            _timer = null;
        }
    }

    private void ArmTimer()
    {
        var generation = ++_timerGeneration;
        _timer?.Dispose();
        _timer = _time.CreateTimer(_ => OnLinger(generation), null, _linger, Timeout.InfiniteTimeSpan);
    }

    private void OnLinger(int generation)
    {
        List<Entry>? batch;
        lock (_gate)
        {
            if (generation != _timerGeneration) return; // the calls it was armed for are gone already
            _lingerElapsed = true;
            batch = TakeIfReady();
        }

        // Off the timer's thread: a fake clock runs callbacks inside Advance, which should not run requests.
        if (batch is not null) _ = Task.Run(() => RunAsync(batch));
    }

    /// <summary>Under the gate: the next batch, when nothing is in flight and one may go now.</summary>
    private List<Entry>? TakeIfReady()
    {
        if (_inFlight || _pending.Count == 0) return null;
        if (_pending.Count < _max && !_lingerElapsed && !_flushing && _linger > TimeSpan.Zero) return null;

        var batch = new List<Entry>(Math.Min(_pending.Count, _max));
        var keys = new HashSet<object>();
        var kept = 0;
        for (var i = 0; i < _pending.Count; i++)
        {
            var entry = _pending[i];
            if (entry.Abandoned) continue; // cancelled while pending
            var key = KeyOf(entry.Item);
            if (batch.Count == _max || (key is not null && !keys.Add(key))) _pending[kept++] = entry;
            else batch.Add(entry);
        }

        _pending.RemoveRange(kept, _pending.Count - kept);
        if (_pending.Count == 0)
        {
            _lingerElapsed = false;
            _flushing = false;
            _timerGeneration++;
            _timer?.Dispose();
            _timer = null;
        }

        if (batch.Count == 0) return null;
        _inFlight = true;
        _current = batch;
        return batch;
    }

    private async Task RunAsync(List<Entry>? batch)
    {
        while (batch is not null)
        {
            try
            {
                await SendAsync(batch).ConfigureAwait(false);
            }
            catch (Exception e)
            {
                foreach (var entry in batch) entry.Fail(e);
            }

            // The callers just answered resume on the pool; the ones that call again at once (a producer awaiting each
            // push) get into the next batch instead of leaving it to whoever happened to be waiting.
            await Task.Yield();
            lock (_gate)
            {
                _inFlight = false;
                _current = null;
                batch = TakeIfReady();
            }
        }
    }

    /// <summary>One call waiting for its share of a batch's answer.</summary>
    protected internal sealed class Entry(TItem item)
    {
        private readonly TaskCompletionSource<TResult> _result = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TItem Item { get; } = item;
        public CancellationTokenRegistration Registration { get; set; }
        public Task<TResult> Task => _result.Task;

        /// <summary>Whether the caller gave up (or was answered already), so the entry should not be sent.</summary>
        public bool Abandoned => _result.Task.IsCompleted;

        public void Succeed(TResult result)
        {
            _result.TrySetResult(result);
            Registration.Dispose();
        }

        public void Fail(Exception error)
        {
            _result.TrySetException(error);
            Registration.Dispose();
        }

        public void Cancel() => _result.TrySetCanceled(Registration.Token);
    }
}
