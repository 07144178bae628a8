using NodaTime;
using Spartan.Domain;
using Spartan.Domain.Events;

namespace Spartan.Engine;

/// <summary>Creates a queue (SPEC §10).</summary>
internal sealed class CreateQueueCommand(string name, QueueSettings settings, int maxQueues, bool withAttributes) : Command<QueueDecision>
{
    protected override QueueDecision Decide(QueueSet state, Instant now, List<QueueEvent> events) =>
        state.CreateQueue(name, settings, maxQueues, now, events, withAttributes);
}

/// <summary>Gives a queue new settings (SPEC §10).</summary>
internal sealed class ChangeQueueCommand(string name, QueueSettings settings) : Command<QueueDecision>
{
    protected override QueueDecision Decide(QueueSet state, Instant now, List<QueueEvent> events) =>
        state.ChangeQueue(name, settings, now, events);
}

/// <summary>Removes a queue and its messages (SPEC §10); consumers parked on it are answered 404 at once.</summary>
internal sealed class DeleteQueueCommand(string name) : Command<QueueDecision>
{
    public override void Execute(CommitBatch batch)
    {
        base.Execute(batch);
        if (!batch.State.Contains(name)) batch.Waits.Drop(name, new QueueNotFoundException(name));
    }

    protected override QueueDecision Decide(QueueSet state, Instant now, List<QueueEvent> events) =>
        state.DeleteQueue(name, now, events);
}

/// <summary>Records the declared queues' settings where the state differs (SPEC §10: the configuration wins).</summary>
internal sealed class DeclareQueuesCommand(IReadOnlyList<QueueDefinition> declared) : Command<int>
{
    protected override int Decide(QueueSet state, Instant now, List<QueueEvent> events) => state.Declare(declared, now, events);
}

/// <summary>One queue's settings, creation instant and stats, or null when there is none.</summary>
internal sealed class DescribeQueueCommand(string name) : Command<QueueInfo?>
{
    public override bool Reads => true;

    protected override QueueInfo? Decide(QueueSet state, Instant now, List<QueueEvent> events) =>
        state.Describe(name) is { } d
            ? new QueueInfo(d.Settings, d.CreatedAt, state.Stats(name, now, events)) { ChangedAt = state[name].ChangedAt }
            : null;
}

/// <summary>The queues that name one as their dead-letter queue.</summary>
internal sealed class DeadLetterSourcesCommand(string name) : Command<List<string>>
{
    public override bool Reads => true;

    protected override List<string> Decide(QueueSet state, Instant now, List<QueueEvent> events) => state.DeadLetterSources(name);
}

/// <summary>Every queue's settings, creation instant and stats, by name.</summary>
internal sealed class ListQueuesCommand : Command<QueueInfo[]>
{
    public override bool Reads => true;

    protected override QueueInfo[] Decide(QueueSet state, Instant now, List<QueueEvent> events)
    {
        var all = new List<QueueInfo>(state.QueueCount);
        foreach (var name in state.Names.ToArray())
        {
            var (settings, createdAt) = state.Describe(name)!.Value;
            all.Add(new QueueInfo(settings, createdAt, state.Stats(name, now, events)) { ChangedAt = state[name].ChangedAt });
        }

        return [.. all];
    }
}

/// <summary>What a node says of one queue: its settings as given, when it was created and last changed, its stats.</summary>
public sealed record QueueInfo(QueueSettings Settings, Instant? CreatedAt, QueueStats Stats)
{
    /// <summary>When its settings were last recorded, or null.</summary>
    public Instant? ChangedAt { get; init; }

    public string Name => Stats.Name;
}
