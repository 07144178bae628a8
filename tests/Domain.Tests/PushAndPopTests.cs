using NodaTime;

namespace Spartan.Domain.Tests;

/// <summary>SPEC §2.1 push and §2.2 pop.</summary>
public sealed class PushAndPopTests
{
    [Fact]
    public void Push_creates_an_available_message_with_no_tries_visible_at_once()
    {
        var h = new QueueHarness();
        var id = h.Push();

        var message = h.Get(id)!;
        Assert.Equal(MessageStatus.Available, message.Status);
        Assert.Equal(0u, message.Tries);
        Assert.Equal(h.Now, message.DispatchedAt);
        Assert.Null(message.DelayedUntil);
        Assert.Null(message.ObtainedAt);
        Assert.Equal(new QueueCounts(1, 1, 0, 0, 0), h.Counts());
    }

    [Fact]
    public void Push_takes_queue_defaults_then_global_defaults()
    {
        var h = new QueueHarness(new QueueDefinition("q", null, 5, 60, 10), QueueDefinition.WithDefaults("p"));
        var fromQueue = h.Get(h.Push("q"), "q")!;
        Assert.Equal((5u, 60u, 0, (byte)0), (fromQueue.MaxTries, fromQueue.Timeout, fromQueue.OffsetSeconds, fromQueue.Priority));
        Assert.Equal(fromQueue.DispatchedAt + Duration.FromSeconds(10), fromQueue.DelayedUntil);

        var global = h.Get(h.Push("p"), "p")!;
        Assert.Equal((1u, 30u), (global.MaxTries, global.Timeout));
        Assert.Null(global.DelayedUntil);
    }

    [Fact]
    public void A_delayed_message_becomes_visible_when_its_delay_ends_and_not_before()
    {
        var h = new QueueHarness();
        var id = h.Push(delay: 10);
        Assert.Equal(new QueueCounts(1, 0, 1, 0, 0), h.Counts());
        Assert.Equal(Outcome.NoMessage, h.TryPop());

        h.Advance(9.999);
        Assert.Equal(Outcome.NoMessage, h.TryPop());
        h.Advance(0.001);
        Assert.Equal(id, h.Pop().Id);
    }

    [Fact]
    public void A_zero_delay_is_recorded_as_an_instant()
    {
        var h = new QueueHarness();
        var message = h.Get(h.Push(delay: 0))!;
        Assert.Equal(message.DispatchedAt, message.DelayedUntil);
    }

    [Fact]
    public void Pop_serves_priority_first_then_visibility_instant_then_push_order()
    {
        var h = new QueueHarness();
        var delayedHigh = h.Push(body: "delayed-high", priority: 9, delay: 5);
        var low1 = h.Push(body: "low1");
        var low2 = h.Push(body: "low2");
        h.Advance(1);
        var high = h.Push(body: "high", priority: 5);
        var sameInstantA = h.Push(body: "mid-a", priority: 3);
        var sameInstantB = h.Push(body: "mid-b", priority: 3);

        Assert.Equal([high, sameInstantA, sameInstantB, low1], [h.Pop().Id, h.Pop().Id, h.Pop().Id, h.Pop().Id]);
        h.Advance(4);
        Assert.Equal(delayedHigh, h.Pop().Id);
        Assert.Equal(low2, h.Pop().Id);
        Assert.Equal(Outcome.NoMessage, h.TryPop());
    }

    [Fact]
    public void Pop_reserves_counts_a_try_stamps_obtained_at_and_gives_a_new_receipt()
    {
        var h = new QueueHarness();
        h.Push(maxTries: 3, timeout: 5);
        var first = h.Pop();
        Assert.Equal(MessageStatus.Transit, first.Status);
        Assert.Equal(1u, first.Tries);
        Assert.Equal(h.Now, first.ObtainedAt);
        Assert.NotNull(first.Receipt);
        Assert.Equal(new QueueCounts(1, 0, 0, 1, 0), h.Counts());

        h.Advance(6);
        var second = h.Pop();
        Assert.Equal(2u, second.Tries);
        Assert.NotEqual(first.Receipt, second.Receipt);
    }

    [Fact]
    public void Pop_on_an_empty_queue_finds_no_message_and_changes_nothing()
    {
        var h = new QueueHarness();
        Assert.Equal(Outcome.NoMessage, h.TryPop());
        Assert.Empty(h.Events);
    }

    [Fact]
    public void Reads_never_carry_a_receipt()
    {
        var h = new QueueHarness();
        var id = h.Push();
        Assert.Null(h.Set.Peek(QueueHarness.Main, h.Now, h.Events).Message!.Receipt);
        h.Pop();
        Assert.Null(h.Get(id)!.Receipt);
    }
}
