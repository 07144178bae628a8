using NodaTime;

namespace Spartan.Domain.Tests;

/// <summary>A state image taken mid-stream, restored into a fresh set and followed by the later events, rebuilds
/// the live state exactly (the basis of snapshots, SPEC §6).</summary>
public sealed class ImageTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(20261126)]
    [InlineData(7)]
    [InlineData(424242)]
    public void Restoring_an_image_then_applying_later_events_rebuilds_identical_state(int seed)
    {
        output.WriteLine($"Bogus seed {seed}");
        var workload = new RandomWorkload(seed);
        var live = workload.Harness;
        for (var step = 0; step < 1500; step++) workload.Step();
        var image = live.Set.Capture(live.Events.Count);
        for (var step = 0; step < 1500; step++) workload.Step();

        var restored = new QueueSet(live.Definitions);
        restored.Restore(image);
        for (var i = (int)image.Sequence; i < live.Events.Count; i++) restored.Apply(live.Events[i]);

        Assert.Equal(13, live.Events.Select(e => e.GetType()).Distinct().Count());
        StateComparison.AssertIdentical(live.Set, restored, live.Now);
    }

    [Fact]
    public void Capture_copies_every_field_and_later_changes_do_not_reach_the_image()
    {
        var live = new QueueHarness();
        var id = live.Push(priority: 7, maxTries: 3, timeout: 11, delay: 0, offset: 3600,
            attributes: new Dictionary<string, string> { ["k"] = "v" });
        var popped = live.Pop();
        var image = live.Set.Capture(live.Events.Count);

        live.Set.Delete(QueueHarness.Main, id, null, live.Now, live.Events);

        var queue = Assert.Single(image.Queues, q => q.Name == QueueHarness.Main);
        var m = Assert.Single(queue.Messages);
        Assert.Equal((id, "hello", 3600, (byte)7, 3u, 11u, (uint?)0u), (m.Id, m.Body, m.OffsetSeconds, m.Priority, m.MaxTries, m.Timeout, m.Delay));
        Assert.Equal((MessageStatus.Transit, 1u, popped.Receipt, 1L), (m.Status, m.Tries, m.LatestReceipt, queue.NextSequence));
        Assert.Equal("v", m.Attributes["k"]);
        Assert.Equal(popped.ObtainedAt, m.ObtainedAt);
        Assert.Equal(live.Events.Count - 1, image.Sequence);
    }

    [Fact]
    public void Restore_creates_queues_that_are_not_declared_and_keeps_their_messages()
    {
        var live = new QueueHarness();
        live.Push(QueueHarness.Plain, "kept");
        var image = live.Set.Capture(1);

        var restored = new QueueSet([QueueDefinition.WithDefaults(QueueHarness.Main)]);
        restored.Restore(image);

        Assert.True(restored.Contains(QueueHarness.Plain));
        Assert.Equal(1, restored[QueueHarness.Plain].Size);
    }

    [Fact]
    public void A_message_made_visible_before_the_clock_stepped_back_stays_visible_after_restore()
    {
        var live = new QueueHarness();
        live.Push(delay: 5);
        var later = live.Now + Duration.FromSeconds(10);
        live.Set[QueueHarness.Main].Promote(later);
        var image = live.Set.Capture(1);

        var restored = new QueueSet(live.Definitions);
        restored.Restore(image);

        // Now is before the delay's end, yet the live queue already moved the message to the visible line.
        Assert.Equal(1, live.Set[QueueHarness.Main].VisibleCount);
        Assert.Equal(1, restored[QueueHarness.Main].VisibleCount);
        Assert.Equal(later, image.Queues[0].PromotedUntil);
    }
}
