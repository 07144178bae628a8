namespace Spartan.Client;

/// <summary>Receives the messages of one queue for one reader: batch pops of <see cref="ConsumeOptions.Prefetch"/>
/// messages, long-polling, served from a buffer; each message gets a <see cref="Lease"/> from the moment it is
/// reserved (buffered ones too), which lasts until the message is completed through the client or the consumer stops.
/// Stopping hands the buffered messages back at once, so another consumer gets them without waiting for a timeout.</summary>
internal sealed class MessageConsumer : IAsyncDisposable
{
    private readonly Lock _gate = new();
    private readonly Queue<ReceivedMessage> _buffer = new();
    private readonly HashSet<Lease> _leases = [];
    private readonly HashSet<Task> _touches = [];
    private readonly CancellationTokenSource _stopping = new();
    private readonly ConsumeOptions _options;
    private bool _disposed;

    public MessageConsumer(SpartanClient client, string queue, ConsumeOptions options)
    {
        ArgumentException.ThrowIfNullOrEmpty(queue);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Client = client;
        Queue = queue;
        _options = options;
    }

    public SpartanClient Client { get; }
    public string Queue { get; }
    public TimeProvider Time => Client.Time;
    public CancellationToken Stopping => _stopping.Token;

    /// <summary>How many messages are kept alive now (buffered or handed out and not completed).</summary>
    public int Leases
    {
        get { lock (_gate) return _leases.Count; }
    }

    /// <summary>How many messages wait in the buffer.</summary>
    public int Buffered
    {
        get { lock (_gate) return _buffer.Count; }
    }

    /// <summary>The next message: from the buffer, or from a batch pop of at most <see cref="ConsumeOptions.Prefetch"/>
    /// (and at most <paramref name="limit"/>) that waits up to the options' wait, again and again, until one comes or
    /// <paramref name="ct"/> is cancelled.</summary>
    public async ValueTask<ReceivedMessage> ReceiveAsync(CancellationToken ct, int limit = int.MaxValue)
    {
        while (true)
        {
            ct.ThrowIfCancellationRequested();
            lock (_gate)
            {
                ObjectDisposedException.ThrowIf(_disposed, this);
                if (_buffer.TryDequeue(out var next)) return next;
            }

            var count = Math.Clamp(limit, 1, _options.Prefetch);
            var batch = await Client.PopBatchAsync(Queue, count, _options.Wait, _options.VisibilityTimeout, ct)
                .ConfigureAwait(false);
            lock (_gate)
            {
                foreach (var message in batch)
                {
                    if (_options.ExtendVisibility && !_disposed)
                    {
                        message.Lease = new Lease(this, message, _options.MaxExtension);
                        _leases.Add(message.Lease);
                    }

                    _buffer.Enqueue(message);
                }
            }
        }
    }

    /// <summary>Requeues the messages still buffered (never handed out), each with its receipt.</summary>
    public async Task ReturnBufferedAsync()
    {
        List<ReceivedMessage> buffered;
        lock (_gate)
        {
            buffered = [.. _buffer];
            _buffer.Clear();
        }

        foreach (var message in buffered) message.Lease?.Complete();
        if (buffered.Count == 0) return;
        // Real time bounds this (not the client's clock, which a test may hold still): the node may be gone already,
        // and then the reservations simply run out.
        using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await Task.WhenAll(buffered.Select(m => Client.RequeueAsync(m.Queue, m.Id, m.Receipt, bound.Token)))
            .ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    /// <summary>Returns the buffered messages and stops every extension; messages handed out and not completed keep the
    /// reservation they have until it runs out (a delete with their receipt still works until another consumer takes them).</summary>
    public async ValueTask DisposeAsync()
    {
        await ReturnBufferedAsync().ConfigureAwait(false);
        Task[] touches;
        lock (_gate)
        {
            if (_disposed) return;
            _disposed = true;
            foreach (var lease in _leases) lease.End();
            _leases.Clear();
            touches = [.. _touches];
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        await Task.WhenAll(touches).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _stopping.Dispose();
    }

    internal void Forget(Lease lease)
    {
        lock (_gate) _leases.Remove(lease);
    }

    internal void Track(Task touch)
    {
        lock (_gate)
        {
            if (touch.IsCompleted) return;
            _touches.Add(touch);
        }

        touch.ContinueWith(static (t, s) =>
        {
            var consumer = (MessageConsumer)s!;
            lock (consumer._gate) consumer._touches.Remove(t);
        }, this, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }
}
