using NodaTime;

namespace Spartan.Domain.Tests;

/// <summary>The array-backed visible line must order, find and remove exactly like the sorted set it replaced
/// (<see cref="MessageOrder.Delayed"/>), whatever mix of appends, out-of-order inserts and removals it gets.</summary>
public sealed class ReadyLineTests(ITestOutputHelper output)
{
    private static readonly Instant Epoch = Instant.FromUtc(2026, 11, 26, 12, 0);

    [Theory]
    [InlineData(20261126)]
    [InlineData(7)]
    [InlineData(424242)]
    public void Random_operations_keep_the_same_order_as_a_sorted_set(int seed)
    {
        output.WriteLine($"seed {seed}");
        var random = new Random(seed);
        var line = new ReadyLine();
        var reference = new SortedSet<Message>(MessageOrder.Delayed);
        var held = new List<Message>();
        long sequence = 0, clock = 0;

        for (var step = 0; step < 20_000; step++)
        {
            var roll = random.Next(100);
            if (roll < 45)
            {
                // Mostly arrivals at the current instant; some with an earlier instant (a promoted delay).
                clock += random.Next(3);
                var visibleAt = roll < 38 ? clock : clock - random.Next(1, 50);
                var message = NewMessage(visibleAt, sequence++);
                line.Add(message);
                Assert.True(reference.Add(message));
                held.Add(message);
            }
            else if (roll < 80 && reference.Count > 0)
            {
                Assert.Same(reference.Min, line.Head);
                var head = reference.Min!;
                Assert.True(line.Remove(head));
                reference.Remove(head);
                held.Remove(head);
            }
            else if (roll < 98 && held.Count > 0)
            {
                var victim = held[random.Next(held.Count)];
                Assert.True(line.Remove(victim));
                Assert.True(reference.Remove(victim));
                held.Remove(victim);
                Assert.False(line.Remove(victim));
            }
            else if (roll == 99)
            {
                line.Clear();
                reference.Clear();
                held.Clear();
            }

            Assert.Equal(reference.Count, line.Count);
            if (reference.Count > 0) Assert.Same(reference.Min, line.Head);
        }

        var drained = new List<Message>();
        while (line.Count > 0)
        {
            drained.Add(line.Head);
            line.Remove(line.Head);
        }

        Assert.Equal(reference.ToList(), drained);
    }

    [Fact]
    public void A_message_that_is_not_in_the_line_is_not_removed()
    {
        var line = new ReadyLine();
        var inside = NewMessage(1, 1);
        line.Add(inside);
        Assert.False(line.Remove(NewMessage(1, 1)));
        Assert.False(line.Remove(NewMessage(5, 2)));
        Assert.Equal(1, line.Count);
        Assert.True(line.Remove(inside));
        Assert.False(line.Remove(inside));
    }

    private static Message NewMessage(long visibleSeconds, long sequence)
    {
        var at = Epoch + Duration.FromSeconds(visibleSeconds);
        return new Message(Guid.NewGuid(), "x", 0, 0, new Dictionary<string, string>(), 1, 30, null, at) { Sequence = sequence };
    }
}
