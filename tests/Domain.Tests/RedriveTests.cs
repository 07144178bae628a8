using Spartan.Domain.Events;

namespace Spartan.Domain.Tests;

/// <summary>SPEC §2.7 redrive: unreserved dead letters go back with fresh state and no server attributes.</summary>
public sealed class RedriveTests
{
    [Fact]
    public void Redrive_moves_every_unreserved_dead_letter_back_visible_now_with_the_source_defaults()
    {
        var h = new QueueHarness(
            new QueueDefinition("src", "dlq", 3, 45, 100),
            new QueueDefinition("dlq", null, 1, 30, null));
        var attributes = new Dictionary<string, string> { ["tenant"] = "acme" };
        var first = h.Push("src", maxTries: 0, attributes: attributes);
        var second = h.Push("src", maxTries: 0);
        var third = h.Push("src", maxTries: 0);
        h.Set.CollectGarbage(h.Now, h.Events);
        h.Pop("dlq"); // `first` is reserved in the dead-letter queue and stays there
        h.Advance(1);

        Assert.Equal(2, h.Set.Redrive("src", h.Now, h.Events));

        Assert.Equal(new QueueCounts(1, 0, 0, 1, 0), h.Counts("dlq"));
        Assert.Equal(first, h.Get(first, "dlq")!.Id);
        var back = h.Get(second, "src")!;
        Assert.Equal((0u, 3u, 45u), (back.Tries, back.MaxTries, back.Timeout));
        Assert.Equal(h.Now, back.DispatchedAt);
        Assert.Null(back.DelayedUntil);
        Assert.Empty(back.Attributes);
        Assert.Equal([second, third], [h.Pop("src").Id, h.Pop("src").Id]);
        Assert.Equal(2, h.EventsOf<MessageRedriven>().Count());
    }

    [Fact]
    public void Redrive_keeps_client_attributes_and_is_null_without_a_dead_letter_queue()
    {
        var h = new QueueHarness();
        var id = h.Push(maxTries: 0, attributes: new Dictionary<string, string> { ["k"] = "v" });
        h.Set.CollectGarbage(h.Now, h.Events);
        Assert.Equal(1, h.Set.Redrive(QueueHarness.Main, h.Now, h.Events));
        Assert.Equal(new Dictionary<string, string> { ["k"] = "v" }, h.Get(id)!.Attributes);
        Assert.Null(h.Set.Redrive(QueueHarness.Plain, h.Now, h.Events));
    }
}
