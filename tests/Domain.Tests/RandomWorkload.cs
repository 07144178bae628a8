using Bogus;

namespace Spartan.Domain.Tests;

/// <summary>Random operations over three declared queues (one with a dead-letter queue) and a runtime queue that comes
/// and goes, which over a few thousand steps make every kind of event; shared with the storage tests, which persist
/// what it emits.</summary>
internal sealed class RandomWorkload
{
    private const string Runtime = "r";
    private static readonly string[] QueueNames = ["a", "a-dead", "b", Runtime];
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
        if (!live.Set.Contains(queue)) queue = "b"; // the runtime queue may be gone right now
        var now = live.Now;
        switch (random.Number(0, 10))
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
                var timeout = random.Bool(0.2f) ? (uint?)random.Number(1, 25) : null;
                var popped = live.Set.Pop(queue, new Receipt(random.Guid()), now, live.Events, timeout);
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
            case 9:
                RuntimeQueueStep(now);
                break;
            default:
                live.Set.Tick(now, live.Events);
                break;
        }

        _reservations.RemoveAll(r => !live.Set.Contains(r.Queue));
        live.Advance(random.Double(0, 3));
    }

    /// <summary>Creates, changes or deletes the runtime queue, so its events mix with the others.</summary>
    private void RuntimeQueueStep(NodaTime.Instant now)
    {
        var live = Harness;
        var settings = new QueueSettings(_random.Bool(0.3f) ? "a-dead" : null, _random.Bool() ? (uint)_random.Number(1, 3) : null,
            _random.Bool() ? (uint)_random.Number(5, 20) : null, null);
        if (!live.Set.Contains(Runtime)) live.Set.CreateQueue(Runtime, settings, 100, now, live.Events);
        else if (_random.Bool(0.3f)) live.Set.DeleteQueue(Runtime, now, live.Events);
        else live.Set.ChangeQueue(Runtime, settings, now, live.Events);
    }
}
