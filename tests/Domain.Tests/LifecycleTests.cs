using NodaTime;
using Spartan.Domain.Events;

namespace Spartan.Domain.Tests;

/// <summary>SPEC §2.6 GC, §2.7 dead-letter queue, §2.8 clear, §2.9 size.</summary>
public sealed class LifecycleTests
{
    [Fact]
    public void An_exhausted_message_counts_in_size_until_gc_moves_it_with_reason_no_tries()
    {
        var h = new QueueHarness();
        var id = h.Push(maxTries: 0);
        Assert.Equal(new QueueCounts(1, 0, 0, 0, 1), h.Counts());
        Assert.Equal(Outcome.NoMessage, h.TryPop());

        h.Set.CollectGarbage(h.Now, h.Events);
        Assert.Equal(0, h.Counts().Size);
        Assert.Equal("no_tries", h.Get(id, QueueHarness.Dead)!.Attributes[DeadLetterAttributes.Reason]);
        Assert.Equal(DeadLetterReason.NoTries, Assert.Single(h.EventsOf<MessageDeadLettered>()).Reason);
    }

    [Fact]
    public void Gc_never_removes_visible_delayed_or_validly_reserved_messages()
    {
        var h = new QueueHarness();
        h.Push(maxTries: 2);
        h.Push(delay: 1000);
        h.Push(maxTries: 1, timeout: 600);
        h.Pop();
        h.Push(body: "visible");
        h.Set.CollectGarbage(h.Now, h.Events);
        Assert.Equal(new QueueCounts(4, 2, 1, 1, 0), h.Counts());
    }

    [Fact]
    public void Gc_finishes_expired_reservations()
    {
        var h = new QueueHarness();
        var id = h.Push(QueueHarness.Plain, maxTries: 2, timeout: 5);
        h.Pop(QueueHarness.Plain);
        h.Advance(6);
        h.Set.CollectGarbage(h.Now, h.Events);
        Assert.Single(h.EventsOf<ReservationExpired>());
        Assert.Equal(MessageStatus.Available, h.Get(id, QueueHarness.Plain)!.Status);
    }

    [Fact]
    public void A_dead_lettered_message_keeps_its_content_and_gets_fresh_state_from_the_target_defaults()
    {
        var h = new QueueHarness(
            new QueueDefinition("src", "dlq", 1, 5, null),
            new QueueDefinition("dlq", null, 7, 90, 15));
        var attributes = new Dictionary<string, string> { ["tenant"] = "acme" };
        var id = h.Push("src", body: "payload", priority: 4, offset: 10800, attributes: attributes);
        h.Pop("src");
        h.Advance(6);
        h.Set.Tick(h.Now, h.Events);
        var movedAt = h.Now;

        var moved = h.Get(id, "dlq")!;
        Assert.Equal(("payload", 4, 10800), (moved.Body, (int)moved.Priority, moved.OffsetSeconds));
        Assert.Equal(MessageStatus.Available, moved.Status);
        Assert.Equal((0u, 7u, 90u), (moved.Tries, moved.MaxTries, moved.Timeout));
        Assert.Null(moved.ObtainedAt);
        Assert.Null(moved.Receipt);
        Assert.Equal(movedAt, moved.DispatchedAt);
        Assert.Equal(movedAt + Duration.FromSeconds(15), moved.DelayedUntil);
        Assert.Equal(new Dictionary<string, string>
        {
            ["tenant"] = "acme",
            [DeadLetterAttributes.From] = "src",
            [DeadLetterAttributes.Reason] = "expired",
        }, moved.Attributes);
        Assert.Equal(new QueueCounts(1, 0, 1, 0, 0), h.Counts("dlq"));
    }

    [Fact]
    public void Clear_removes_every_message_in_every_state()
    {
        var h = new QueueHarness();
        h.Push();
        h.Push(delay: 50);
        h.Push(maxTries: 0);
        h.Push();
        h.Pop();
        h.Set.Clear(QueueHarness.Main, h.Now, h.Events);
        Assert.Equal(new QueueCounts(0, 0, 0, 0, 0), h.Counts());
        Assert.Equal(Outcome.NoMessage, h.TryPop());
    }

    [Fact]
    public void Size_counts_every_state_and_the_states_partition_it()
    {
        var h = new QueueHarness();
        h.Push();
        h.Push();
        h.Push(delay: 50);
        h.Push(maxTries: 0);
        h.Pop();
        var counts = h.Counts();
        Assert.Equal(new QueueCounts(4, 1, 1, 1, 1), counts);
        Assert.Equal(counts.Size, counts.Available + counts.Delayed + counts.InFlight + counts.Exhausted);
    }

    [Fact]
    public void Every_event_names_its_queue_message_and_instant()
    {
        var h = new QueueHarness();
        var id = h.Push(maxTries: 1, timeout: 1);
        h.Pop();
        h.Advance(2);
        h.Counts();
        Assert.All(h.Events.OfType<MessageEvent>(), e => Assert.Equal(id, e.MessageId));
        Assert.Equal([typeof(MessagePushed), typeof(MessageReserved), typeof(ReservationExpired), typeof(MessageDeadLettered)],
            h.Events.Select(e => e.GetType()));
        Assert.Equal(h.Now, h.Events[^1].At);
    }
}
