using System.Collections.Concurrent;
using Spartan.Domain;

namespace Spartan.Engine;

// Queues at runtime (SPEC §10): the commands, and which queues exist, published for request threads. The set is
// written by the loop only, and refreshed before a batch's callers are answered, so a client that heard 201 finds its
// queue on the next request; readers on other threads see it without a lock.
public sealed partial class Broker
{
    private readonly ConcurrentDictionary<string, QueueSettings> _queueNames = new(StringComparer.Ordinal);
    private int _publishedQueues = -1;

    /// <summary>True when the queue exists now (declared or created at runtime); from any thread.</summary>
    public bool HasQueue(string name) => _queueNames.ContainsKey(name);

    /// <summary>The settings of a queue now, or null when there is none; from any thread (the SQS door resolves a
    /// message's tries from them without a trip through the loop).</summary>
    public QueueSettings? SettingsNow(string name) => _queueNames.GetValueOrDefault(name);

    /// <summary>How many queues exist now.</summary>
    public int QueueCountNow => _queueNames.Count;

    /// <summary>The names of the queues that exist now, in ordinal order; from any thread.</summary>
    public string[] QueueNamesNow()
    {
        var names = _queueNames.Keys.ToArray();
        Array.Sort(names, StringComparer.Ordinal);
        return names;
    }

    /// <summary>Creates a queue; answers whether it was created, existed with these settings, or why not.</summary>
    /// <param name="name">The queue.</param>
    /// <param name="settings">Its settings.</param>
    /// <param name="maxQueues">How many queues may exist in all.</param>
    /// <param name="withAttributes">Whether kept attributes other than tags count when the queue exists (SQS).</param>
    public Task<QueueDecision> CreateQueueAsync(string name, QueueSettings settings, int maxQueues, bool withAttributes = false) =>
        Submit(new CreateQueueCommand(name, settings, maxQueues, withAttributes));

    /// <summary>The queues that name <paramref name="name"/> as their dead-letter queue.</summary>
    public Task<List<string>> DeadLetterSourcesAsync(string name) => Submit(new DeadLetterSourcesCommand(name));

    /// <summary>Gives a queue new settings (the caller merged a patch into whole settings).</summary>
    public Task<QueueDecision> ChangeQueueAsync(string name, QueueSettings settings) => Submit(new ChangeQueueCommand(name, settings));

    /// <summary>Removes a queue and its messages, unless another queue sends it dead letters.</summary>
    public Task<QueueDecision> DeleteQueueAsync(string name) => Submit(new DeleteQueueCommand(name));

    /// <summary>At the start of a node that takes writes: records, as events, the declared queues the state lacks or
    /// holds with other settings (the configuration wins).</summary>
    public Task<int> DeclareQueuesAsync(IReadOnlyList<QueueDefinition> declared) => Submit(new DeclareQueuesCommand(declared));

    /// <summary>One queue's settings, creation instant and stats; null when there is none.</summary>
    public Task<QueueInfo?> DescribeQueueAsync(string name) => Submit(new DescribeQueueCommand(name));

    /// <summary>Every queue's settings, creation instant and stats.</summary>
    public Task<QueueInfo[]> ListQueuesAsync() => Submit(new ListQueuesCommand());

    /// <summary>Publishes the state's queue names and settings when they changed; loop only.</summary>
    private void PublishQueues()
    {
        if (_state.QueuesVersion == _publishedQueues) return;
        _publishedQueues = _state.QueuesVersion;
        var names = new HashSet<string>(_state.Names, StringComparer.Ordinal);
        foreach (var name in _queueNames.Keys)
            if (!names.Contains(name)) _queueNames.TryRemove(name, out _);
        foreach (var name in names) _queueNames[name] = _state.Describe(name)!.Value.Settings;
    }
}
