using Bogus;

namespace Spartan.Domain.Tests;

/// <summary>Random operations over three queues (one with a dead-letter queue) that, over a few thousand steps,
/// make every kind of event; shared with the storage tests, which persist what it emits.</summary>
internal sealed class RandomWorkload
{
    private static readonly string[] QueueNames = ["a", "a-dead", "b"];
    private readonly Randomizer _random;
    private readonly List<(string Queue, MessageSnapshot Message)> _reservations = [];

    public RandomWorkload(int seed)
    {
        _random = new Randomizer(seed);
        Harness = new QueueHarness(
            new QueueDefinition("a", "a-dead", 2, 20, null),
            new QueueDefinition("a-dead", null, 1, 30, 5),
            new QueueDefinition("b", null, 3, 10, 0));
    }

    public QueueHarness Harness { get; }

    /// <summary>Runs one random operation, then lets up to three seconds pass.</summary>
    public void Step()
    {
        var live = Harness;
        var random = _random;
        var queue = random.ArrayElement(QueueNames);
        var now = live.Now;
        switch (random.Number(0, 9))
        {
            case 0 or 1 or 2:
                live.Set.Push(queue, new PushRequest(random.Guid(), random.String2(random.Number(0, 20)),
                    random.Bool() ? random.Number(-86399, 86399) : null,
                    random.Bool(0.3f) ? random.Byte() : null,
                    random.Bool(0.2f) ? new Dictionary<string, string> { ["k"] = random.Word() } : null,
                    random.Bool(0.3f) ? (uint)random.Number(0, 3) : null,
                    random.Bool(0.5f) ? (uint)random.Number(1, 15) : null,
                    random.Bool(0.2f) ? (uint)random.Number(0, 10) : null), now, live.Events);
                break;
            case 3 or 4:
                var popped = live.Set.Pop(queue, new Receipt(random.Guid()), now, live.Events);
                if (popped.Message is { } m) _reservations.Add((queue, m));
                break;
            case 5 when _reservations.Count > 0:
                var (rq, rm) = random.ListItem(_reservations);
                live.Set.Requeue(rq, rm.Id, random.Bool() ? rm.Receipt : null, now, live.Events);
                break;
            case 6 when _reservations.Count > 0:
                var (dq, dm) = random.ListItem(_reservations);
                live.Set.Delete(dq, dm.Id, random.Bool() ? dm.Receipt : null, now, live.Events);
                break;
            case 7 when _reservations.Count > 0:
                var (tq, tm) = random.ListItem(_reservations);
                live.Set.Touch(tq, tm.Id, random.Bool() ? tm.Receipt : null,
                    random.Bool() ? (uint)random.Number(1, 20) : null, now, live.Events);
                break;
            case 8:
                if (random.Bool(0.05f)) live.Set.Clear(queue, now, live.Events);
                else if (random.Bool(0.1f)) live.Set.Redrive("a", now, live.Events);
                else live.Set.CollectGarbage(now, live.Events);
                break;
            default:
                live.Set.Tick(now, live.Events);
                break;
        }

        live.Advance(random.Double(0, 3));
    }
}
