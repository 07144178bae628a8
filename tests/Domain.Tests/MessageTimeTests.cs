using NodaTime;

namespace Spartan.Domain.Tests;

/// <summary>A message keeps its instants packed as Unix nanoseconds; what the domain reads back must be the exact
/// instants of its events, at the extremes the API allows too.</summary>
public sealed class MessageTimeTests
{
    [Fact]
    public void Instants_keep_sub_millisecond_precision_through_push_pop_and_touch()
    {
        var h = new QueueHarness();
        h.Clock.Advance(TimeSpan.FromTicks(1234567)); // 123.4567 ms past the second
        var id = h.Push(timeout: 60);
        var pushedAt = h.Now;
        h.Clock.Advance(TimeSpan.FromTicks(7));
        var popped = h.Pop();

        Assert.Equal(id, popped.Id);
        Assert.Equal(pushedAt, popped.DispatchedAt);
        Assert.Equal(pushedAt + Duration.FromTicks(7), popped.ObtainedAt);
        var held = h.Set[QueueHarness.Main].Find(id)!;
        Assert.Equal(popped.ObtainedAt!.Value + Duration.FromSeconds(60), held.ReservedUntil);
    }

    [Fact]
    public void The_longest_delay_and_timeout_the_api_accepts_do_not_overflow()
    {
        var h = new QueueHarness();
        var id = h.Push(delay: uint.MaxValue, timeout: uint.MaxValue);
        var message = h.Set[QueueHarness.Main].Find(id)!;

        Assert.Equal(h.Now + Duration.FromSeconds(uint.MaxValue), message.DelayedUntil);
        Assert.Equal(message.DelayedUntil, message.VisibleAt);
        Assert.Null(message.ObtainedAt);
        Assert.Null(message.LatestReceipt);
        Assert.Equal(h.Now + Duration.FromSeconds(uint.MaxValue), message.ReservedUntil);
    }
}
