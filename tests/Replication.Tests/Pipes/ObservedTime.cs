using System.Collections.Concurrent;
using Microsoft.Extensions.Time.Testing;

namespace Spartan.Replication.Tests.Pipes;

/// <summary>A fake clock that also keeps the due time of every timer made on it, so a test knows a delay is armed (a
/// retry's backoff, an idle heartbeat) before it moves the clock past it.</summary>
internal sealed class ObservedTime() : FakeTimeProvider(new DateTimeOffset(2026, 11, 30, 12, 0, 0, TimeSpan.Zero))
{
    private readonly ConcurrentQueue<TimeSpan> _timers = new();

    /// <summary>The due time of each timer made so far, oldest first.</summary>
    public IReadOnlyList<TimeSpan> Timers => [.. _timers];

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        _timers.Enqueue(dueTime);
        return base.CreateTimer(callback, state, dueTime, period);
    }
}
