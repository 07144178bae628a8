using Spartan.Domain.Events;

namespace Spartan.Domain.Tests;

/// <summary>SPEC §2.3 requeue and receipts, §2.4 delete, §2.5 reservation expiry.</summary>
public sealed class ReservationTests
{
    private static Receipt R(MessageSnapshot m) => m.Receipt!.Value;

    [Fact]
    public void Requeue_makes_a_reserved_message_visible_now_behind_those_already_visible()
    {
        var h = new QueueHarness();
        var first = h.Push(maxTries: 5);
        h.Pop();
        var waiting = h.Push(body: "pushed at the same instant");
        Assert.Equal(Outcome.Ok, h.Set.Requeue(QueueHarness.Main, first, null, h.Now, h.Events));

        var requeued = h.Get(first)!;
        Assert.Equal(MessageStatus.Available, requeued.Status);
        Assert.Equal(h.Now, requeued.VisibleAt);
        Assert.Equal(waiting, h.Pop().Id);
        Assert.Equal(first, h.Pop().Id);
    }

    [Fact]
    public void Requeue_without_receipt_needs_a_valid_reservation()
    {
        var h = new QueueHarness();
        var id = h.Push(maxTries: 5, timeout: 10);
        Assert.Equal(Outcome.MessageNotFound, h.Set.Requeue(QueueHarness.Main, id, null, h.Now, h.Events));
        h.Pop();
        h.Advance(11);
        Assert.Equal(Outcome.MessageNotFound, h.Set.Requeue(QueueHarness.Main, id, null, h.Now, h.Events));
        Assert.Equal(Outcome.MessageNotFound, h.Set.Requeue(QueueHarness.Main, Guid.NewGuid(), null, h.Now, h.Events));
    }

    [Fact]
    public void Requeue_with_no_tries_left_dead_letters_with_reason_requeued()
    {
        var h = new QueueHarness();
        var id = h.Push(maxTries: 1);
        h.Pop();
        Assert.Equal(Outcome.Ok, h.Set.Requeue(QueueHarness.Main, id, null, h.Now, h.Events));

        Assert.Null(h.Get(id));
        var moved = h.Get(id, QueueHarness.Dead)!;
        Assert.Equal("requeued", moved.Attributes[DeadLetterAttributes.Reason]);
        Assert.Equal(QueueHarness.Main, moved.Attributes[DeadLetterAttributes.From]);
    }

    [Fact]
    public void Requeue_with_no_tries_left_and_no_dead_letter_queue_discards()
    {
        var h = new QueueHarness();
        var id = h.Push(QueueHarness.Plain);
        h.Pop(QueueHarness.Plain);
        Assert.Equal(Outcome.Ok, h.Set.Requeue(QueueHarness.Plain, id, null, h.Now, h.Events));
        Assert.Equal(0, h.Counts(QueueHarness.Plain).Size);
        Assert.Equal(DeadLetterReason.Requeued, Assert.Single(h.EventsOf<MessageCollected>()).Reason);
    }

    [Fact]
    public void Delete_with_the_latest_receipt_works_even_after_the_reservation_ran_out()
    {
        var h = new QueueHarness();
        var id = h.Push(maxTries: 3, timeout: 5);
        var reserved = h.Pop();
        h.Advance(6);
        Assert.Equal(MessageStatus.Available, h.Get(id)!.Status);

        var deleted = h.Set.Delete(QueueHarness.Main, id, R(reserved), h.Now, h.Events);
        Assert.Equal(Outcome.Ok, deleted.Outcome);
        Assert.Equal(id, deleted.Message!.Id);
        Assert.Null(deleted.Message.Receipt);
        Assert.Equal(0, h.Counts().Size);
    }

    [Fact]
    public void A_receipt_is_stale_once_another_consumer_reserved_the_message()
    {
        var h = new QueueHarness();
        var id = h.Push(maxTries: 3, timeout: 5);
        var slow = h.Pop();
        h.Advance(6);
        var fast = h.Pop();

        Assert.Equal(Outcome.StaleReceipt, h.Set.Delete(QueueHarness.Main, id, R(slow), h.Now, h.Events).Outcome);
        Assert.Equal(Outcome.StaleReceipt, h.Set.Requeue(QueueHarness.Main, id, R(slow), h.Now, h.Events));
        Assert.Equal(Outcome.StaleReceipt, h.Set.Touch(QueueHarness.Main, id, R(slow), null, h.Now, h.Events).Outcome);
        Assert.Equal(MessageStatus.Transit, h.Get(id)!.Status);
        Assert.Equal(Outcome.Ok, h.Set.Delete(QueueHarness.Main, id, R(fast), h.Now, h.Events).Outcome);
    }

    [Fact]
    public void Requeue_and_touch_with_an_expired_receipt_are_stale_and_change_nothing()
    {
        var h = new QueueHarness();
        var id = h.Push(maxTries: 3, timeout: 5);
        var reserved = h.Pop();
        h.Advance(6);
        var before = h.Events.Count;
        h.Counts(); // the expiry itself is recorded first
        var afterExpiry = h.Events.Count;

        Assert.Equal(Outcome.StaleReceipt, h.Set.Requeue(QueueHarness.Main, id, R(reserved), h.Now, h.Events));
        Assert.Equal(Outcome.StaleReceipt, h.Set.Touch(QueueHarness.Main, id, R(reserved), 30, h.Now, h.Events).Outcome);
        Assert.Equal(before + 1, afterExpiry);
        Assert.Equal(afterExpiry, h.Events.Count);
    }

    [Fact]
    public void Requeue_drops_the_receipt_and_an_unknown_id_is_not_found_whatever_the_receipt()
    {
        var h = new QueueHarness();
        var id = h.Push(maxTries: 3);
        var reserved = h.Pop();
        Assert.Equal(Outcome.Ok, h.Set.Requeue(QueueHarness.Main, id, R(reserved), h.Now, h.Events));
        Assert.Equal(Outcome.StaleReceipt, h.Set.Delete(QueueHarness.Main, id, R(reserved), h.Now, h.Events).Outcome);
        Assert.Equal(Outcome.MessageNotFound, h.Set.Delete(QueueHarness.Main, Guid.NewGuid(), R(reserved), h.Now, h.Events).Outcome);
    }

    [Fact]
    public void Touch_restarts_the_reservation_keeps_the_receipt_and_may_replace_the_timeout()
    {
        var h = new QueueHarness();
        var id = h.Push(maxTries: 3, timeout: 10);
        var reserved = h.Pop();
        h.Advance(8);
        var touched = h.Set.Touch(QueueHarness.Main, id, R(reserved), 20, h.Now, h.Events);
        Assert.Equal(Outcome.Ok, touched.Outcome);
        Assert.Equal(R(reserved), touched.Message!.Receipt);
        Assert.Equal((h.Now, 20u), (touched.Message.ObtainedAt!.Value, touched.Message.Timeout));

        h.Advance(20);
        Assert.Equal(MessageStatus.Transit, h.Get(id)!.Status);
        h.Advance(0.001);
        Assert.Equal(MessageStatus.Available, h.Get(id)!.Status);
        Assert.Equal(Outcome.Ok, h.Set.Delete(QueueHarness.Main, id, R(reserved), h.Now, h.Events).Outcome);
    }

    [Fact]
    public void Touch_without_receipt_answers_without_one()
    {
        var h = new QueueHarness();
        var id = h.Push(maxTries: 3, timeout: 10);
        h.Pop();
        var touched = h.Set.Touch(QueueHarness.Main, id, null, null, h.Now, h.Events);
        Assert.Equal(Outcome.Ok, touched.Outcome);
        Assert.Null(touched.Message!.Receipt);
        Assert.Equal(10u, touched.Message.Timeout);
    }

    [Theory]
    [InlineData("visible")]
    [InlineData("delayed")]
    [InlineData("reserved")]
    [InlineData("expired")]
    [InlineData("exhausted")]
    public void Delete_removes_a_message_in_any_state(string state)
    {
        var h = new QueueHarness();
        var id = state switch
        {
            "delayed" => h.Push(delay: 100),
            "exhausted" => h.Push(maxTries: 0),
            _ => h.Push(maxTries: 2, timeout: 5),
        };
        if (state is "reserved" or "expired") h.Pop();
        if (state == "expired") h.Advance(6);

        var deleted = h.Set.Delete(QueueHarness.Main, id, null, h.Now, h.Events);
        Assert.Equal(Outcome.Ok, deleted.Outcome);
        Assert.Equal(id, deleted.Message!.Id);
        Assert.Equal(0, h.Counts().Size);
        Assert.Equal(Outcome.MessageNotFound, h.Set.Delete(QueueHarness.Main, id, null, h.Now, h.Events).Outcome);
    }

    [Fact]
    public void A_reservation_lasts_through_its_last_instant_and_ends_after_it()
    {
        var h = new QueueHarness();
        var id = h.Push(maxTries: 2, timeout: 30);
        h.Pop();
        h.Advance(30);
        Assert.Equal(Outcome.NoMessage, h.TryPop());
        Assert.Equal(MessageStatus.Transit, h.Get(id)!.Status);

        h.Advance(0.001);
        var again = h.Pop();
        Assert.Equal((id, 2u), (again.Id, again.Tries));
        Assert.Single(h.EventsOf<ReservationExpired>());
    }

    [Fact]
    public void An_expired_reservation_with_no_tries_left_is_dead_lettered_with_reason_expired()
    {
        var h = new QueueHarness();
        var id = h.Push(maxTries: 1, timeout: 5);
        h.Pop();
        h.Advance(6);

        Assert.Equal(0, h.Counts().Size);
        var moved = h.Get(id, QueueHarness.Dead)!;
        Assert.Equal("expired", moved.Attributes[DeadLetterAttributes.Reason]);
    }

    [Fact]
    public void An_expired_reservation_with_no_tries_left_and_no_dead_letter_queue_is_discarded()
    {
        var h = new QueueHarness();
        h.Push(QueueHarness.Plain, timeout: 5);
        h.Pop(QueueHarness.Plain);
        h.Advance(6);
        h.Set.Tick(h.Now, h.Events);
        Assert.Equal(0, h.Counts(QueueHarness.Plain).Size);
        Assert.Equal(DeadLetterReason.Expired, Assert.Single(h.EventsOf<MessageCollected>()).Reason);
    }
}
