using NodaTime;
using Spartan.Domain.Events;

namespace Spartan.Domain.Tests;

/// <summary>What the SQS endpoint needs the domain to keep (SPEC §11): attributes Spartan does not act on, compared only
/// where the caller can set them; when a queue last changed; when a message was first reserved.</summary>
public sealed class KeptAttributesTests
{
    private static readonly QueueAttributes Wait20 = QueueAttributes.From([new("ReceiveMessageWaitTimeSeconds", "20")]);

    [Fact]
    public void The_native_create_ignores_kept_attributes_and_the_sqs_create_compares_them_but_not_tags()
    {
        var h = new QueueHarness();
        var sqs = new QueueSettings(null, null, 60, null) { Attributes = Wait20.With([new("tag:team", "a")]) };
        h.Set.CreateQueue("jobs", sqs, 100, h.Now, h.Events, withAttributes: true);

        Assert.Equal(QueueOutcome.Exists, h.Set.CreateQueue("jobs", new QueueSettings(null, null, 60, null), 100, h.Now, h.Events).Outcome);
        Assert.Equal(QueueOutcome.Conflict,
            h.Set.CreateQueue("jobs", new QueueSettings(null, null, 60, null), 100, h.Now, h.Events, withAttributes: true).Outcome);
        var otherTags = sqs with { Attributes = Wait20.With([new("tag:team", "b")]) };
        Assert.Equal(QueueOutcome.Exists, h.Set.CreateQueue("jobs", otherTags, 100, h.Now, h.Events, withAttributes: true).Outcome);
        Assert.Single(h.Events);
    }

    [Fact]
    public void Declaring_keeps_a_queues_stored_attributes_and_compares_only_the_native_settings()
    {
        var h = new QueueHarness();
        var declared = new[] { QueueSettings.None.Resolve("jobs") };
        h.Set.Apply(new QueueCreated("jobs", h.Now, QueueSettings.None with { Attributes = Wait20 }));

        Assert.Equal(0, h.Set.Declare(declared, h.Now, h.Events));

        var changed = new[] { new QueueSettings(null, 3, null, null).Resolve("jobs") };
        Assert.Equal(1, h.Set.Declare(changed, h.Now, h.Events));
        Assert.Equal(Wait20, Assert.IsType<QueueChanged>(Assert.Single(h.Events)).Settings.Attributes);
    }

    [Fact]
    public void A_queue_remembers_when_it_last_changed_and_an_image_carries_it()
    {
        var h = new QueueHarness();
        var created = h.Now;
        h.Set.CreateQueue("jobs", QueueSettings.None, 100, h.Now, h.Events);
        h.Advance(10);
        h.Set.ChangeQueue("jobs", new QueueSettings(null, 2, null, null), h.Now, h.Events);

        var queue = h.Set[("jobs")];
        Assert.Equal((created, h.Now), (queue.CreatedAt!.Value, queue.ChangedAt!.Value));
        var restored = new QueueSet([]);
        restored.Restore(h.Set.Capture(h.Events.Count));
        Assert.Equal(h.Now, restored["jobs"].ChangedAt);
    }

    [Fact]
    public void A_message_keeps_the_instant_of_its_first_reservation_through_later_ones()
    {
        var h = new QueueHarness();
        h.Push(QueueHarness.Main, maxTries: 5);
        var first = h.Now;
        var reserved = h.Pop(QueueHarness.Main);
        Assert.Equal(first, reserved.FirstObtainedAt);

        h.Set.Requeue(QueueHarness.Main, reserved.Id, reserved.Receipt, h.Now, h.Events);
        h.Advance(5);
        var again = h.Pop(QueueHarness.Main);

        Assert.Equal(first, again.FirstObtainedAt);
        Assert.Equal(h.Now, again.ObtainedAt);
        var replayed = new QueueSet(h.Definitions);
        foreach (var e in h.Events) replayed.Apply(e);
        Assert.Equal(first, replayed[QueueHarness.Main].Find(again.Id)!.FirstObtainedAt);
    }
}
