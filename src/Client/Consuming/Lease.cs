namespace Spartan.Client;

/// <summary>Keeps one reservation alive: touches it at two thirds of its length, again and again, until the message is
/// completed through the client, the server says the reservation is lost, the consumer stops, or
/// <see cref="ConsumeOptions.MaxExtension"/> has passed. Times are this client's clock (from when the message was
/// received), never the server's, so clock skew cannot make it late.</summary>
internal sealed class Lease
{
    private readonly MessageConsumer _owner;
    private readonly ReceivedMessage _message;
    private readonly DateTimeOffset _until;
    private readonly Lock _gate = new();
    private TimeSpan _timeout;
    private ITimer? _timer;
    private bool _ended;

    public Lease(MessageConsumer owner, ReceivedMessage message, TimeSpan maxExtension)
    {
        _owner = owner;
        _message = message;
        _timeout = message.Timeout;
        _until = owner.Time.GetUtcNow() + maxExtension;
        lock (_gate) Schedule(Due(_timeout));
    }

    /// <summary>How many touches this lease made.</summary>
    public int Touches { get; private set; }

    /// <summary>Whether the lease stopped extending the reservation.</summary>
    public bool Ended
    {
        get { lock (_gate) return _ended; }
    }

    /// <summary>The message was deleted or requeued (or the server answered that it could not be): stop.</summary>
    public void Complete()
    {
        End();
        _owner.Forget(this);
    }

    /// <summary>Someone touched the message through the client: count the next touch from now.</summary>
    public void Touched(TimeSpan timeout)
    {
        lock (_gate)
        {
            _timeout = timeout;
            if (!_ended) Schedule(Due(timeout));
        }
    }

    public void End()
    {
        lock (_gate)
        {
            _ended = true;
            _timer?.Dispose();
            _timer = null;
        }
    }

    private static TimeSpan Due(TimeSpan timeout) => timeout * 2 / 3;

    /// <summary>Under the gate: the next touch after <paramref name="delay"/>.</summary>
    private void Schedule(TimeSpan delay)
    {
        _timer?.Dispose();
        // A reservation of 0 s is over already; there is nothing to keep alive.
        _timer = _timeout <= TimeSpan.Zero ? null
            : _owner.Time.CreateTimer(static s => ((Lease)s!).OnDue(), this, TimeSpan.FromTicks(Math.Max(0, delay.Ticks)),
                Timeout.InfiniteTimeSpan);
    }

    private void OnDue()
    {
        lock (_gate)
            if (_ended) return;
        // Off the timer's thread: a fake clock runs callbacks inside Advance, which should not run requests.
        _owner.Track(Task.Run(ExtendAsync));
    }

    private async Task ExtendAsync()
    {
        var now = _owner.Time.GetUtcNow();
        if (now >= _until)
        {
            Complete(); // given up: the reservation runs out and the message comes back
            return;
        }

        try
        {
            await _owner.Client.TouchCoreAsync(_message.Queue, _message.Id, _message.Receipt, null, _owner.Stopping).ConfigureAwait(false);
            lock (_gate)
            {
                Touches++;
                if (!_ended) Schedule(Due(_timeout) - (_owner.Time.GetUtcNow() - now));
            }
        }
        catch (Exception e) when (e is MessageNotFoundException or StaleReceiptException)
        {
            Complete(); // deleted, requeued or taken by another consumer meanwhile: nothing left to extend
        }
        catch (OperationCanceledException) when (_owner.Stopping.IsCancellationRequested)
        {
            // the consumer stopped
        }
        catch (Exception)
        {
            // A transient failure: try again soon, while the reservation may still be alive.
            lock (_gate)
                if (!_ended) Schedule(_timeout / 6);
        }
    }
}
