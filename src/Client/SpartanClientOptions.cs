namespace Spartan.Client;

/// <summary>How a <see cref="SpartanClient"/> reaches its node and batches its calls.</summary>
public sealed class SpartanClientOptions
{
    /// <summary>The node's address (<c>http://127.0.0.1:5680/</c>); when null, the given <see cref="HttpClient"/>'s base address.</summary>
    public Uri? BaseAddress { get; set; }

    /// <summary>The nodes of a cluster (SPEC §13), tried in turn: a node that cannot be reached, or answers
    /// <c>503 Not primary</c> without naming the primary, passes the call to the next. When set, <see cref="BaseAddress"/>
    /// may stay null (the first node is used first).</summary>
    public IList<Uri> Nodes { get; } = [];

    /// <summary>Whether a <c>503 Not primary</c> answer sends the call again to the node its <c>Spartan-Leader</c> header
    /// names (or to the next of <see cref="Nodes"/>), up to <see cref="MaxLeaderHops"/> times (default true). Nothing was
    /// done by a node that answered so, except in the rare case of a role change after the write was stored: such a write
    /// can then be stored twice (at least once, as SQS).</summary>
    public bool FollowLeader { get; set; } = true;

    /// <summary>How many times one call follows the leader or moves to another node before it fails (default 8); the
    /// waits between hops grow from <see cref="RetryDelay"/>, so a failover of a few seconds is ridden out.</summary>
    public int MaxLeaderHops { get; set; } = 8;

    /// <summary>The access key, sent as <c>Authorization: Bearer KEY</c>; null on a node without keys.</summary>
    public string? AccessKey { get; set; }

    /// <summary>Whether <see cref="SpartanClient.PushAsync(string, OutgoingMessage, CancellationToken)"/> and
    /// <see cref="SpartanClient.DeleteAsync(ReceivedMessage, CancellationToken)"/> gather concurrent calls into batch
    /// requests (default true).</summary>
    public bool Batching { get; set; } = true;

    /// <summary>How long the first pending push waits for others to join its batch. The default, zero, sends as soon as
    /// no batch of the queue is in flight, and calls made during a flight make the next batch: batches as large as the
    /// concurrency, with no timer. Timers on a busy machine fire late (1 ms measured as ~4 ms on the bench machine), so a
    /// positive linger costs more latency than it says.</summary>
    public TimeSpan PushLinger { get; set; } = TimeSpan.Zero;

    /// <summary>The same for deletes (default zero).</summary>
    public TimeSpan DeleteLinger { get; set; } = TimeSpan.Zero;

    /// <summary>The most messages in one batch request, 1…100 (the server's limit, and the default).</summary>
    public int MaxBatchSize { get; set; } = 100;

    /// <summary>The clock of lingers, visibility extension and retry delays; a test passes its fake clock. Network
    /// timeouts run on real time.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>How long any request may take beyond its long-poll wait before it fails with a
    /// <see cref="TimeoutException"/> (default 30 s).</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Retries of idempotent reads (peek, get, stats, size, queues, health) on connection errors and 503
    /// (default 3; 0 turns retries off). Pops, pushes and every other write are never retried.</summary>
    public int MaxRetries { get; set; } = 3;

    /// <summary>The first retry's delay, doubled with jitter for each next one (default 200 ms).</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    internal void Validate()
    {
        if (MaxBatchSize is < 1 or > 100)
            throw new ArgumentOutOfRangeException(nameof(MaxBatchSize), MaxBatchSize, "A batch holds 1 to 100 messages.");
        if (PushLinger < TimeSpan.Zero || DeleteLinger < TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(PushLinger), "A linger cannot be negative.");
        if (RequestTimeout <= TimeSpan.Zero && RequestTimeout != System.Threading.Timeout.InfiniteTimeSpan)
            throw new ArgumentOutOfRangeException(nameof(RequestTimeout), RequestTimeout, "A request timeout must be positive.");
        ArgumentNullException.ThrowIfNull(TimeProvider);
        if (MaxLeaderHops < 0) throw new ArgumentOutOfRangeException(nameof(MaxLeaderHops), MaxLeaderHops, "Hops cannot be negative.");
        foreach (var node in Nodes)
        {
            if (!node.IsAbsoluteUri) throw new ArgumentException($"Node address {node} is not absolute.", nameof(Nodes));
        }
    }
}
