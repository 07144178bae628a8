using System.Globalization;
using System.Text;
using NodaTime;
using Spartan.Domain.Events;

namespace Spartan.Domain.Tests;

/// <summary>Compares two queue sets the way <c>ReplayTests</c> does: counts by index, then every message
/// field by field in the order pops would take them. Destructive: it drains both sets.</summary>
internal static class StateComparison
{
    public static void AssertIdentical(QueueSet expected, QueueSet actual, Instant now)
    {
        // Every field of every message, whatever its state, before the drain below changes anything.
        Assert.Equal(Everything(expected), Everything(actual));
        Assert.Equal(Fingerprint(expected, now), Fingerprint(actual, now));
        Assert.Equal(DrainOrder(expected, now), DrainOrder(actual, now));
    }

    private static List<string> Everything(QueueSet set)
    {
        var lines = new List<string>();
        foreach (var queue in set.Capture(0).Queues.OrderBy(q => q.Name, StringComparer.Ordinal))
        {
            lines.Add($"{queue.Name} next={queue.NextSequence} settings={queue.Settings} created={queue.CreatedAt} changed={queue.ChangedAt}");
            foreach (var m in queue.Messages.OrderBy(m => m.Id))
                lines.Add(string.Join('|', m with { Attributes = null! },
                    string.Join(',', m.Attributes.OrderBy(a => a.Key, StringComparer.Ordinal).Select(a => $"{a.Key}={a.Value}"))));
        }

        return lines;
    }

    /// <summary>Counts by index; visibility is a function of time, so both sides are first brought to one instant.</summary>
    private static string Fingerprint(QueueSet set, Instant now)
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
    private static List<string> DrainOrder(QueueSet set, Instant now)
    {
        var later = now + Duration.FromDays(1);
        var order = new List<string>();
        var events = new List<QueueEvent>();
        foreach (var queue in set.Queues.OrderBy(q => q.Name, StringComparer.Ordinal))
        {
            foreach (var m in queue.Exhausted()) order.Add(Describe(m.Snapshot(true), m.Sequence));
            queue.Promote(now);
            while (set.Peek(queue.Name, now, events).Message is { } next)
            {
                order.Add(Describe(next, queue.Find(next.Id)!.Sequence));
                set.Delete(queue.Name, next.Id, null, now, events);
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
        m.Id, m.Body, m.OffsetSeconds, m.Priority,
        string.Join(',', m.Attributes.OrderBy(a => a.Key, StringComparer.Ordinal).Select(a => $"{a.Key}={a.Value}")),
        m.Receipt, m.Status, m.Tries, m.MaxTries, m.DispatchedAt, m.DelayedUntil, m.VisibleAt, m.Timeout, m.ObtainedAt,
        sequence);
}
