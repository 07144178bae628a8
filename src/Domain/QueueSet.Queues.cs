using NodaTime;
using Spartan.Domain.Events;

namespace Spartan.Domain;

/// <summary>How a decision about a queue itself ended (SPEC §10); expected outcomes are values.</summary>
public enum QueueOutcome : byte
{
    /// <summary>Created, changed or deleted.</summary>
    Done = 0,

    /// <summary>Create: it exists already with the very same settings (answered as if created, 200).</summary>
    Exists = 1,

    /// <summary>Create: it exists with other settings (409 <c>Queue exists</c>).</summary>
    Conflict = 2,

    /// <summary>There is no such queue (404 <c>Queue not found</c>).</summary>
    NotFound = 3,

    /// <summary>Create: <c>max_queues</c> queues exist already (409 <c>Too many queues</c>).</summary>
    TooMany = 4,

    /// <summary>The dead-letter queue names the queue itself or a queue that does not exist (400).</summary>
    BadDeadLetter = 5,

    /// <summary>Delete: another queue names it as its dead-letter queue (409 <c>Queue in use</c>).</summary>
    InUse = 6,
}

/// <summary>A decision about a queue: its outcome, the queue's settings now (when it exists), and for a delete how many
/// messages went with it.</summary>
public readonly record struct QueueDecision(QueueOutcome Outcome, QueueSettings? Settings = null, int Removed = 0, string? Detail = null);

public sealed partial class QueueSet
{
    /// <summary>Creates a queue (SPEC §10 <c>PUT /_/queues/{name}</c>, §11 <c>CreateQueue</c>); creating one that exists
    /// with equal settings changes nothing.</summary>
    /// <param name="name">The queue's name.</param>
    /// <param name="settings">Its settings.</param>
    /// <param name="maxQueues">How many queues may exist in all.</param>
    /// <param name="now">The batch's instant.</param>
    /// <param name="events">Where the decided event goes.</param>
    /// <param name="withAttributes">Whether the kept attributes other than tags count in that comparison: they do for an
    /// SQS client, which can set them; the native API cannot, so for it they never make a difference.</param>
    public QueueDecision CreateQueue(string name, QueueSettings settings, int maxQueues, Instant now, List<QueueEvent> events,
        bool withAttributes = false)
    {
        if (_queues.TryGetValue(name, out var existing))
        {
            var current = existing.Definition.Settings;
            var same = current.Core() == settings.Core()
                       && (!withAttributes || current.Attributes.WithoutTags().Equals(settings.Attributes.WithoutTags()));
            return same
                ? new QueueDecision(QueueOutcome.Exists, current)
                : new QueueDecision(QueueOutcome.Conflict, current);
        }

        if (_queues.Count >= maxQueues)
            return new QueueDecision(QueueOutcome.TooMany, Detail: $"At most {maxQueues} queues may exist.");
        if (DeadLetterProblem(name, settings) is { } problem) return new QueueDecision(QueueOutcome.BadDeadLetter, Detail: problem);
        Emit(new QueueCreated(name, now, settings), events);
        return new QueueDecision(QueueOutcome.Done, settings);
    }

    /// <summary>Gives a queue new settings (SPEC §10 <c>PATCH</c>; the caller merged the patch into whole settings).</summary>
    public QueueDecision ChangeQueue(string name, QueueSettings settings, Instant now, List<QueueEvent> events)
    {
        if (!_queues.ContainsKey(name)) return new QueueDecision(QueueOutcome.NotFound);
        if (DeadLetterProblem(name, settings) is { } problem) return new QueueDecision(QueueOutcome.BadDeadLetter, Detail: problem);
        Emit(new QueueChanged(name, now, settings), events);
        return new QueueDecision(QueueOutcome.Done, settings);
    }

    /// <summary>Removes a queue and its messages (SPEC §10 <c>DELETE</c>), unless another queue sends it dead letters.</summary>
    public QueueDecision DeleteQueue(string name, Instant now, List<QueueEvent> events)
    {
        if (!_queues.TryGetValue(name, out var queue)) return new QueueDecision(QueueOutcome.NotFound);
        foreach (var other in _queues.Values)
        {
            if (other.Name != name && other.Definition.DeadLetter == name)
                return new QueueDecision(QueueOutcome.InUse, Detail: $"Queue {other.Name} names it as its dead-letter queue.");
        }

        var removed = queue.Size;
        Emit(new QueueDeleted(name, now), events);
        return new QueueDecision(QueueOutcome.Done, Removed: removed);
    }

    /// <summary>The settings of the queues the configuration declares win over stored ones (SPEC §10): at startup a
    /// primary records, as events, each declared queue whose settings were never stored, is missing or differs, so
    /// replicas and replay agree, and a queue later removed from the file keeps its settings as a runtime queue.</summary>
    /// <returns>How many queues were created or changed.</returns>
    public int Declare(IEnumerable<QueueDefinition> declared, Instant now, List<QueueEvent> events)
    {
        var done = 0;
        foreach (var definition in declared)
        {
            var settings = definition.Settings;
            // Missing: it was a runtime queue once, deleted, and is declared now. Never created: its settings live only
            // in the file (a first start, or data from before queues were events). The file has no kept attributes:
            // those already stored stay.
            if (!_queues.TryGetValue(definition.Name, out var queue) || queue.CreatedAt is null)
                Emit(new QueueCreated(definition.Name, now, settings with { Attributes = queue?.Definition.Settings.Attributes ?? QueueAttributes.Empty }), events);
            else if (queue.Definition.Settings.Core() != settings.Core())
                Emit(new QueueChanged(definition.Name, now, settings with { Attributes = queue.Definition.Settings.Attributes }), events);
            else continue;
            done++;
        }

        return done;
    }

    /// <summary>The names of the queues that name <paramref name="name"/> as their dead-letter queue.</summary>
    public List<string> DeadLetterSources(string name)
    {
        var sources = new List<string>();
        foreach (var queue in _queues.Values)
            if (queue.Definition.DeadLetter == name) sources.Add(queue.Name);
        return sources;
    }

    /// <summary>The settings and creation instant of one queue, or null when there is none.</summary>
    public (QueueSettings Settings, Instant? CreatedAt)? Describe(string name) =>
        _queues.TryGetValue(name, out var queue) ? (queue.Definition.Settings, queue.CreatedAt) : null;

    private string? DeadLetterProblem(string name, QueueSettings settings)
    {
        if (settings.DeadLetter is not { } deadLetter) return null;
        if (deadLetter == name) return $"Field 'dead_letter': queue {name} cannot be its own dead-letter queue.";
        return _queues.ContainsKey(deadLetter) ? null : $"Field 'dead_letter': there is no queue {deadLetter}.";
    }
}
