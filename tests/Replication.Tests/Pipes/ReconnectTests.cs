using static Spartan.Replication.Tests.Links.LinkTestKit;

namespace Spartan.Replication.Tests.Pipes;

/// <summary>SPEC §7 faults on the fake clock, over in-memory pipes: an unreachable replica is retried with exponential
/// backoff and jitter from <c>try_timer</c> (1 s here), capped at 16 × <c>try_timer</c>; five failed attempts in a row
/// open the circuit for 3 × <c>try_timer</c>; a link lost once established is tried again after one <c>try_timer</c>,
/// its backoff started afresh. Every attempt is made exactly when its delay ends.</summary>
public sealed class ReconnectTests : IAsyncDisposable
{
    private static readonly TimeSpan TryTimer = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan Cap = 16 * TryTimer;
    private readonly ObservedTime _time = new();
    private readonly PipeNetwork _network;

    public ReconnectTests() => _network = new PipeNetwork(_time) { Reachable = false };

    public ValueTask DisposeAsync()
    {
        _network.Dispose();
        return ValueTask.CompletedTask;
    }

    [Fact]
    public async Task An_unreachable_replica_is_retried_with_a_growing_jittered_delay_capped_at_16_try_timers()
    {
        await using var node = TestNode.InMemory(_time, replica: false);
        await using var primary = new PipePrimary(_time, _network, node);
        var started = _time.GetUtcNow();

        var delays = await DriveRetriesAsync(primary, 12);

        Assert.All(delays, d => Assert.InRange(d, TimeSpan.FromTicks(1), Cap));
        // Polly's decorrelated-jitter backoff: the first delay is under 1.4 × try_timer; from the sixth on, the
        // uncapped delays sum to hundreds of try_timers, so at least one of the sixth to tenth is the cap itself.
        Assert.True(delays[0] < 1.4 * TryTimer, $"first delay {delays[0]}");
        Assert.Contains(Cap, delays.Skip(5).Take(5));
        // An attempt is made when a delay ends, and at no other time; a retry the open circuit refuses makes none.
        var ends = delays.Select((_, i) => started + Sum(delays.Take(i + 1))).ToHashSet();
        var dials = _network.Dials;
        Assert.Equal(started, dials[0]);
        Assert.All(dials.Skip(1), dial => Assert.Contains(dial, ends));
        var refusedByCircuit = primary.Log.Lines.Count(l => l.Contains(CircuitOpen, StringComparison.Ordinal));
        Assert.Equal(delays.Count + 1 - refusedByCircuit, dials.Count);
        Assert.True(primary.Log.Contains("connection refused (the test network is down); retrying in"), primary.Log.Text);
    }

    [Fact]
    public async Task Five_failed_attempts_in_a_row_open_the_circuit_and_no_attempt_is_made_for_3_try_timers()
    {
        await using var node = TestNode.InMemory(_time, replica: false);
        await using var primary = new PipePrimary(_time, _network, node);
        var started = _time.GetUtcNow();

        var delays = await DriveRetriesAsync(primary, 8);

        var dials = _network.Dials;
        Assert.True(primary.Log.Contains("5 attempts failed in a row; no attempt for 3.0 s"), primary.Log.Text);
        Assert.True(dials[5] >= dials[4] + 3 * TryTimer, $"the sixth attempt came {dials[5] - dials[4]} after the fifth");
        // From the fifth failure on, each failed attempt (re)opens the circuit for 3 try_timers: a retry ending inside
        // makes no attempt and is logged as refused by it; every other retry makes one.
        var refused = 0;
        foreach (var end in delays.Select((_, i) => started + Sum(delays.Take(i + 1))))
        {
            var before = dials.Where(d => d < end).ToList();
            var open = before.Count >= 5 && end < before[^1] + 3 * TryTimer;
            Assert.Equal(!open, dials.Contains(end));
            if (open) refused++;
        }

        Assert.Equal(refused, primary.Log.Lines.Count(l => l.Contains(CircuitOpen, StringComparison.Ordinal)));
    }

    [Fact]
    public async Task A_link_lost_once_established_is_tried_again_after_one_try_timer_with_its_backoff_started_afresh()
    {
        await using var replicaNode = TestNode.InMemory(_time, replica: true);
        await using var replica = new PipeReplica(_time, _network, replicaNode);
        await using var node = TestNode.InMemory(_time, replica: false);
        await using var primary = new PipePrimary(_time, _network, node);
        var outage = await DriveRetriesAsync(primary, 9);
        // Nine attempts in, the uncapped delays of the sixth to ninth sum to hundreds of try_timers: one is capped.
        Assert.True(Sum(outage.Skip(5)) >= Cap, $"delays {string.Join(", ", outage)}");

        _network.Reachable = true;
        _time.Advance(Finite()[^1]); // the tenth attempt connects
        await EventuallyAsync(() => primary.Replicator.Progress.Connected, () => primary.Log.Text + replica.Log.Text);
        var armed = Finite().Count;
        _network.Reachable = false;
        var lost = _time.GetUtcNow();
        _network.Cut();

        await EventuallyAsync(() => primary.Log.Contains("the link was lost"), () => primary.Log.Text);
        Assert.True(primary.Log.Contains("; reconnecting in 1.0 s"), primary.Log.Text);
        await EventuallyAsync(() => Finite().Skip(armed).Contains(TryTimer), () => string.Join(", ", _time.Timers));
        var skip = Finite().Count;
        var dials = _network.Dials.Count;
        _time.Advance(TryTimer);
        await EventuallyAsync(() => _network.Dials.Count == dials + 1, () => primary.Log.Text);
        Assert.Equal(lost + TryTimer, _network.Dials[^1]);

        // A fresh round: its first four delays telescope to under 11.4 try_timers, where the outage's went past the cap.
        var fresh = await DriveRetriesAsync(primary, 4, skip);
        Assert.True(Sum(fresh) < 11.4 * TryTimer, $"delays {string.Join(", ", fresh)}");
    }

    private const string CircuitOpen = "The circuit is now open";

    /// <summary>Lets <paramref name="count"/> retry delays end, each once it is armed, and waits until the attempt after
    /// the last has failed and armed its own; returns the delays in order. Only retries arm finite timers meanwhile (no
    /// link is up), so the finite timers after the first <paramref name="skip"/> are the retry delays.</summary>
    private async Task<List<TimeSpan>> DriveRetriesAsync(PipePrimary primary, int count, int skip = 0)
    {
        var delays = new List<TimeSpan>();
        for (var i = 0; i <= count; i++)
        {
            var armed = skip + i + 1;
            await EventuallyAsync(() => Finite().Count >= armed, () => primary.Log.Text);
            if (i == count) break;
            delays.Add(Finite()[armed - 1]);
            _time.Advance(delays[^1]);
        }

        return delays;
    }

    private List<TimeSpan> Finite() => [.. _time.Timers.Where(t => t != Timeout.InfiniteTimeSpan)];

    private static TimeSpan Sum(IEnumerable<TimeSpan> delays) => delays.Aggregate(TimeSpan.Zero, (a, b) => a + b);
}
