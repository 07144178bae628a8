using Spartan.Api.Configuration;
using Spartan.Engine;

namespace Spartan.Api.Hosting;

/// <summary>What a cluster node's answers wait for (SPEC §13): a write is acknowledged only while this node may
/// (primary, lease fresh, no switchover under way), and with <c>ack = "replica"</c> only once a replica acknowledged its
/// batch — or, when none does within the ttl, it fails 503 (it stays committed here, and a client retries it).</summary>
/// <remarks>Only acknowledgements of the current leadership count (<see cref="Restart"/>): a position a replica held
/// under an older history says nothing of this one's events.</remarks>
public sealed class ClusterBarrier(ClusterCoordination cluster, TimeProvider time) : ICommitBarrier
{
    private readonly Lock _gate = new();
    private readonly PriorityQueue<TaskCompletionSource, long> _waiting = new();
    private long _acked;

    public ValueTask WaitAsync(long sequence)
    {
        if (!cluster.MayAcknowledge) return ValueTask.FromException(new NotPrimaryException());
        if (cluster.Config.Ack == ClusterAck.Local || Volatile.Read(ref _acked) >= sequence) return default;
        return new ValueTask(WaitForReplicaAsync(sequence));
    }

    /// <summary>A replica acknowledged every event up to <paramref name="sequence"/>.</summary>
    public void Acknowledged(long sequence)
    {
        List<TaskCompletionSource>? released = null;
        lock (_gate)
        {
            if (sequence <= _acked) return;
            _acked = sequence;
            while (_waiting.TryPeek(out _, out var waitsFor) && waitsFor <= sequence)
                (released ??= []).Add(_waiting.Dequeue());
        }

        if (released is null) return;
        foreach (var waiter in released) waiter.TrySetResult();
    }

    /// <summary>A new leadership: nothing is acknowledged by a replica yet.</summary>
    public void Restart()
    {
        lock (_gate) _acked = 0;
    }

    private async Task WaitForReplicaAsync(long sequence)
    {
        var acked = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            if (_acked >= sequence) acked.TrySetResult();
            else _waiting.Enqueue(acked, sequence);
        }

        using var timeout = new CancellationTokenSource(cluster.Config.Ttl, time);
        await using (timeout.Token.Register(() => acked.TrySetException(new StorageUnavailableException(
                         $"No replica acknowledged the write within {cluster.Config.TtlSeconds} s (ack = \"replica\"); it may still be kept."))))
        {
            await acked.Task.ConfigureAwait(false);
        }

        // The wait may have outlived this node's leadership.
        if (!cluster.MayAcknowledge) throw new NotPrimaryException();
    }
}
