using NodaTime;
using Spartan.Domain.Events;

namespace Spartan.Domain.Tests;

/// <summary>SPEC §10: queues created, changed and deleted as events, with the rules of dead-letter queues and the
/// configuration's declared queues; and pop's own reservation timeout (SPEC §3.2 <c>?timeout=S</c>).</summary>
public sealed class RuntimeQueueTests
{
    private static readonly QueueSettings Mail = new(QueueHarness.Dead, 5, 60, null);

    [Fact]
    public void Creating_a_queue_is_an_event_and_the_queue_serves_at_once()
    {
        var h = new QueueHarness();

        var created = h.Set.CreateQueue("jobs", Mail, 100, h.Now, h.Events);
        h.Push("jobs");

        Assert.Equal(new QueueDecision(QueueOutcome.Done, Mail), created);
        Assert.Equal(new QueueCreated("jobs", h.Now, Mail), h.Events[0]);
        Assert.Equal((Mail, (Instant?)h.Now), h.Set.Describe("jobs"));
        Assert.Equal(5u, h.Pop("jobs").MaxTries);
    }

    [Fact]
    public void Creating_again_with_equal_settings_changes_nothing_and_with_others_conflicts()
    {
        var h = new QueueHarness();
        h.Set.CreateQueue("jobs", Mail, 100, h.Now, h.Events);

        Assert.Equal(QueueOutcome.Exists, h.Set.CreateQueue("jobs", Mail, 100, h.Now, h.Events).Outcome);
        var conflict = h.Set.CreateQueue("jobs", Mail with { Timeout = 61 }, 100, h.Now, h.Events);

        Assert.Equal(new QueueDecision(QueueOutcome.Conflict, Mail), conflict);
        Assert.Single(h.Events);
    }

    [Fact]
    public void No_more_than_max_queues_exist()
    {
        var h = new QueueHarness(); // three declared queues

        Assert.Equal(QueueOutcome.Done, h.Set.CreateQueue("fourth", QueueSettings.None, 4, h.Now, h.Events).Outcome);
        Assert.Equal(QueueOutcome.TooMany, h.Set.CreateQueue("fifth", QueueSettings.None, 4, h.Now, h.Events).Outcome);
        Assert.False(h.Set.Contains("fifth"));
    }

    [Theory]
    [InlineData("jobs", "its own dead-letter queue")]
    [InlineData("nowhere", "there is no queue nowhere")]
    public void A_dead_letter_queue_must_exist_and_be_another_queue(string deadLetter, string detail)
    {
        var h = new QueueHarness();

        var refused = h.Set.CreateQueue("jobs", new QueueSettings(deadLetter), 100, h.Now, h.Events);

        Assert.Equal(QueueOutcome.BadDeadLetter, refused.Outcome);
        Assert.Contains(detail, refused.Detail, StringComparison.Ordinal);
        Assert.Empty(h.Events);
    }

    [Fact]
    public void Changed_settings_apply_to_later_pushes_and_dead_letters()
    {
        var h = new QueueHarness();
        h.Set.CreateQueue("jobs", QueueSettings.None, 100, h.Now, h.Events);
        var before = h.Push("jobs");

        h.Set.ChangeQueue("jobs", new QueueSettings(QueueHarness.Plain, 1, 5, null), h.Now, h.Events);
        var after = h.Push("jobs");

        Assert.Equal(30u, h.Get(before, "jobs")!.Timeout);
        Assert.Equal(5u, h.Get(after, "jobs")!.Timeout);
        h.Pop("jobs");
        h.Pop("jobs");
        h.Advance(40);
        h.Set.CollectGarbage(h.Now, h.Events);
        Assert.Equal(2, h.Counts(QueueHarness.Plain).Size);
        Assert.Equal(QueueOutcome.NotFound, h.Set.ChangeQueue("missing", QueueSettings.None, h.Now, h.Events).Outcome);
    }

    [Fact]
    public void Deleting_a_queue_removes_its_messages_unless_another_queue_sends_it_dead_letters()
    {
        var h = new QueueHarness();
        h.Set.CreateQueue("graveyard", QueueSettings.None, 100, h.Now, h.Events);
        h.Set.CreateQueue("jobs", new QueueSettings("graveyard"), 100, h.Now, h.Events);
        h.Push("graveyard");
        h.Push("graveyard");

        var inUse = h.Set.DeleteQueue("graveyard", h.Now, h.Events);
        h.Set.DeleteQueue("jobs", h.Now, h.Events);
        var deleted = h.Set.DeleteQueue("graveyard", h.Now, h.Events);

        Assert.Equal(QueueOutcome.InUse, inUse.Outcome);
        Assert.Contains("jobs", inUse.Detail, StringComparison.Ordinal);
        Assert.Equal(new QueueDecision(QueueOutcome.Done, Removed: 2), deleted);
        Assert.False(h.Set.Contains("graveyard"));
        Assert.Equal(QueueOutcome.NotFound, h.Set.DeleteQueue("graveyard", h.Now, h.Events).Outcome);
    }

    [Fact]
    public void Declared_queues_are_recorded_once_and_afterwards_only_where_the_stored_settings_differ()
    {
        var h = new QueueHarness();
        var declared = new[]
        {
            new QueueSettings(QueueHarness.Dead, 1, 30, null).Resolve(QueueHarness.Main),
            QueueSettings.None.Resolve(QueueHarness.Dead),
            QueueSettings.None.Resolve("new-one"),
        };

        // First start: no settings are stored yet, so each declared queue is recorded, which is what keeps them when
        // the queue later leaves the configuration.
        Assert.Equal(3, h.Set.Declare(declared, h.Now, h.Events));
        Assert.All(h.Events, e => Assert.IsType<QueueCreated>(e));
        Assert.Equal(h.Now, h.Set.Describe(QueueHarness.Main)!.Value.CreatedAt);
        Assert.Equal(0, h.Set.Declare(declared, h.Now, h.Events));

        // Stored state says otherwise for "main" (an edit of the file), and "new-one" was deleted as a runtime queue.
        h.Events.Clear();
        h.Set.Apply(new QueueChanged(QueueHarness.Main, h.Now, new QueueSettings(null, 9, 9, null)));
        h.Set.Apply(new QueueDeleted("new-one", h.Now));

        Assert.Equal(2, h.Set.Declare(declared, h.Now, h.Events));
        Assert.Equal([typeof(QueueChanged), typeof(QueueCreated)], h.Events.Select(e => e.GetType()));
        Assert.Equal(30u, h.Set[QueueHarness.Main].Definition.Timeout);
        Assert.True(h.Set.Contains("new-one"));
    }

    [Fact]
    public void Replaying_queue_events_rebuilds_the_same_queues()
    {
        var h = new QueueHarness();
        h.Set.CreateQueue("jobs", Mail, 100, h.Now, h.Events);
        h.Push("jobs");
        h.Advance(1);
        h.Set.ChangeQueue("jobs", Mail with { Delay = 3 }, h.Now, h.Events);
        h.Set.CreateQueue("temp", QueueSettings.None, 100, h.Now, h.Events);
        h.Push("temp");
        h.Set.DeleteQueue("temp", h.Now, h.Events);

        var replayed = new QueueSet(h.Definitions);
        foreach (var e in h.Events) replayed.Apply(e);

        Assert.Equal(h.Set.Describe("jobs"), replayed.Describe("jobs"));
        Assert.False(replayed.Contains("temp"));
        Assert.Equal(1, replayed[("jobs")].Size);
        Assert.Null(replayed.Refusal(new QueueCreated("jobs", h.Now, Mail)));
        Assert.NotNull(replayed.Refusal(new QueueDeleted("temp", h.Now)));
    }

    [Fact]
    public void A_pop_with_its_own_timeout_lasts_that_long_shows_it_and_the_next_reservation_does_not_inherit_it()
    {
        var h = new QueueHarness();
        var id = h.Push(timeout: 30, maxTries: 5);

        var reserved = h.Set.Pop(QueueHarness.Main, new Receipt(Guid.NewGuid()), h.Now, h.Events, timeout: 300).Message!;

        Assert.Equal(300u, reserved.Timeout);
        Assert.Equal(300u, h.EventsOf<MessageReserved>().Single().Timeout);
        h.Advance(200);
        Assert.Equal(MessageStatus.Transit, h.Get(id)!.Status); // past the message's own 30 s, within the 300 s
        h.Advance(101);
        Assert.Equal(MessageStatus.Available, h.Get(id)!.Status);
        Assert.Equal(30u, h.Get(id)!.Timeout);
        Assert.Equal(30u, h.Pop().Timeout);
    }
}
