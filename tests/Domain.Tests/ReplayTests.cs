using System.Globalization;
using System.Text;
using Bogus;
using Spartan.Domain.Events;

namespace Spartan.Domain.Tests;

/// <summary>Replaying the events a queue set emitted onto an empty set rebuilds the identical state (SPEC §6).</summary>
public sealed class ReplayTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(20261126)]
    [InlineData(7)]
    [InlineData(424242)]
    public void Replaying_random_operations_rebuilds_identical_state(int seed)
    {
        output.WriteLine($"Bogus seed {seed}");
        var random = new Randomizer(seed);
        var live = new QueueHarness(
            new QueueDefinition("a", "a-dead", 2, 20, null),
            new QueueDefinition("a-dead", null, 1, 30, 5),
            new QueueDefinition("b", null, 3, 10, 0));
        var queues = new[] { "a", "a-dead", "b" };
        var reservations = new List<(string Queue, MessageSnapshot Message)>();

        for (var step = 0; step < 3000; step++)
        {
            var queue = random.ArrayElement(queues);
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
                    if (popped.Message is { } m) reservations.Add((queue, m));
                    break;
                case 5 when reservations.Count > 0:
                    var (rq, rm) = random.ListItem(reservations);
                    live.Set.Requeue(rq, rm.Id, random.Bool() ? rm.Receipt : null, now, live.Events);
                    break;
                case 6 when reservations.Count > 0:
                    var (dq, dm) = random.ListItem(reservations);
                    live.Set.Delete(dq, dm.Id, random.Bool() ? dm.Receipt : null, now, live.Events);
                    break;
                case 7 when reservations.Count > 0:
                    var (tq, tm) = random.ListItem(reservations);
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

        var replayed = new QueueSet(live.Definitions);
        foreach (var e in live.Events) replayed.Apply(e);

        // The property only means something when every kind of event took part.
        Assert.Equal(10, live.Events.Select(e => e.GetType()).Distinct().Count());
        Assert.Equal(Fingerprint(live.Set, live.Now), Fingerprint(replayed, live.Now));
        Assert.Equal(DrainOrder(live.Set, live), DrainOrder(replayed, live));
    }

    /// <summary>Counts by index; visibility is a function of time, so both sides are first brought to one instant.</summary>
    private static string Fingerprint(QueueSet set, NodaTime.Instant now)
    {
        var text = new StringBuilder();
        foreach (var queue in set.Queues.OrderBy(q => q.Name, StringComparer.Ordinal))
        {
            queue.Promote(now);
            text.Append(CultureInfo.InvariantCulture,
                $"{queue.Name} size={queue.Size} ready={queue.VisibleCount} delayed={queue.DelayedCount} reserved={queue.InFlightCount} exhausted={queue.ExhaustedCount}\n");
            foreach (var m in queue.Exhausted()) text.Append(CultureInfo.InvariantCulture, $"  exhausted {m.Id}\n");
        }

        return text.ToString();
    }

    /// <summary>Every message, field by field, in the order pops would take them after all delays end.</summary>
    private static List<string> DrainOrder(QueueSet set, QueueHarness clock)
    {
        var later = clock.Now + NodaTime.Duration.FromDays(1);
        var order = new List<string>();
        var events = new List<QueueEvent>();
        foreach (var queue in set.Queues.OrderBy(q => q.Name, StringComparer.Ordinal))
        {
            foreach (var m in queue.Exhausted()) order.Add(Describe(m.Snapshot(true), queue.Find(m.Id)!.Sequence));
            queue.Promote(clock.Now);
            while (set.Peek(queue.Name, clock.Now, events).Message is { } next)
            {
                order.Add(Describe(next, queue.Find(next.Id)!.Sequence));
                set.Delete(queue.Name, next.Id, null, clock.Now, events);
            }

            foreach (var id in AllIds(queue)) order.Add(Describe(queue.Find(id)!.Snapshot(true), queue.Find(id)!.Sequence));
            set.Count(queue.Name, later, events);
        }

        return order;
    }

    private static IEnumerable<Guid> AllIds(Queue queue) =>
        queue.Exhausted().Select(m => m.Id)
            .Concat(queue.FirstReservation is null ? [] : [queue.FirstReservation.Id])
            .Concat(queue.FirstDelayed is null ? [] : [queue.FirstDelayed.Id]);

    private static string Describe(MessageSnapshot m, long sequence) => string.Join('|',
        m.Id, m.Body, m.OffsetSeconds, m.Priority, string.Join(',', m.Attributes.OrderBy(a => a.Key).Select(a => $"{a.Key}={a.Value}")),
        m.Receipt, m.Status, m.Tries, m.MaxTries, m.DispatchedAt, m.DelayedUntil, m.VisibleAt, m.Timeout, m.ObtainedAt, sequence);
}
