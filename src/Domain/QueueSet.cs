using NodaTime;
using Spartan.Domain.Events;

namespace Spartan.Domain;

/// <summary>Every queue of a node: decides which events an operation produces, and applies events,
/// routing those that concern two queues (dead-letter moves) to both.</summary>
/// <remarks>Decide methods emit events through <see cref="Emit"/>, which applies each at once, so later
/// decisions in the same batch see earlier effects. Replay calls <see cref="Apply"/> alone. Not thread-safe:
/// the commit loop owns it.</remarks>
public sealed partial class QueueSet
{
    private static readonly IReadOnlyDictionary<string, string> NoAttributes = new Dictionary<string, string>();
    private readonly Dictionary<string, Queue> _queues = new(StringComparer.Ordinal);
    private readonly HashSet<string> _declared = new(StringComparer.Ordinal);

    /// <param name="definitions">The queues the configuration declares: they exist from the start, whatever the events
    /// say, and a snapshot without them leaves them empty rather than gone.</param>
    public QueueSet(IEnumerable<QueueDefinition> definitions)
    {
        foreach (var definition in definitions)
        {
            _queues.Add(definition.Name, new Queue(definition));
            _declared.Add(definition.Name);
        }
    }

    /// <summary>True on a replica: reads never decide expiry (which would emit events the primary did not), and
    /// every change arrives as an event through <see cref="Apply"/>.</summary>
    public bool FollowsPrimary { get; set; }

    /// <summary>Queues in declaration order (plus any met only in replayed events).</summary>
    public IEnumerable<Queue> Queues => _queues.Values;

    public bool Contains(string name) => _queues.ContainsKey(name);

    /// <summary>How many queues exist, declared and runtime.</summary>
    public int QueueCount => _queues.Count;

    /// <summary>Changes whenever a queue comes or goes (an event, a restored image, replay meeting a new name), so the
    /// owner can tell cheaply when to refresh what it publishes about which queues exist.</summary>
    public int QueuesVersion { get; private set; }

    /// <summary>The names of every queue.</summary>
    public IEnumerable<string> Names => _queues.Keys;

    public Queue this[string name] => _queues.TryGetValue(name, out var queue)
        ? queue
        : throw new KeyNotFoundException($"Queue {name} is not declared.");

    /// <summary>Folds one event into the state.</summary>
    public void Apply(QueueEvent e)
    {
        switch (e)
        {
            case QueueCreated created: ApplyCreated(created); return;
            case QueueChanged changed:
                var target = ForReplay(changed.Queue);
                target.Definition = changed.Settings.Resolve(changed.Queue);
                target.ChangedAt = changed.At;
                QueuesVersion++; // what request threads see of the queues includes their settings
                return;
            case QueueDeleted deleted:
                if (_queues.Remove(deleted.Queue)) QueuesVersion++;
                return;
        }

        var queue = ForReplay(e.Queue);
        switch (e)
        {
            case MessagePushed pushed: queue.ApplyPushed(pushed); break;
            case MessageReserved reserved: queue.ApplyReserved(reserved); break;
            case MessageRequeued requeued: queue.ApplyRequeued(requeued); break;
            case ReservationExpired expired: queue.ApplyExpired(expired); break;
            case ReservationTouched touched: queue.ApplyTouched(touched); break;
            case MessageDeleted or MessageCollected: queue.ApplyRemoved((MessageEvent)e); break;
            case MessageDeadLettered moved: ApplyDeadLettered(queue, moved); break;
            case MessageRedriven redriven: ApplyRedriven(queue, redriven); break;
            case QueueCleared cleared: queue.ApplyCleared(cleared); break;
            default: throw new ArgumentException($"Unknown event {e.GetType().Name}.", nameof(e));
        }
    }

    /// <summary>Why <paramref name="e"/> cannot be applied to the current state, or null when it can: the check a
    /// replica makes on every event it receives before folding it, since <see cref="Apply"/> trusts its input.</summary>
    public string? Refusal(QueueEvent e)
    {
        var queue = _queues.GetValueOrDefault(e.Queue);
        Message? Held(string name, Guid id) => _queues.GetValueOrDefault(name)?.Find(id);
        return e switch
        {
            QueueCleared or QueueCreated or QueueChanged => null,
            QueueDeleted => queue is null ? $"there is no queue {e.Queue} to delete" : null,
            MessagePushed p => Held(p.Queue, p.MessageId) is null ? null : $"message {p.MessageId} is already in {p.Queue}",
            MessageEvent m when queue?.Find(m.MessageId) is not { } message => $"queue {e.Queue} holds no message {m.MessageId}",
            MessageReserved r when queue!.Find(r.MessageId)!.Status != MessageStatus.Available => $"message {r.MessageId} is not available",
            MessageRequeued or ReservationExpired or ReservationTouched when queue!.Find(((MessageEvent)e).MessageId)!.Status != MessageStatus.Transit
                => $"message {((MessageEvent)e).MessageId} is not reserved",
            MessageDeadLettered d when Held(d.Target, d.MessageId) is not null => $"message {d.MessageId} is already in {d.Target}",
            MessageRedriven r when Held(r.Target, r.MessageId) is not null => $"message {r.MessageId} is already in {r.Target}",
            _ => null,
        };
    }

    private void ApplyCreated(QueueCreated e)
    {
        // A queue that exists already (declared, or named by older events) takes these settings and keeps its messages.
        var queue = ForReplay(e.Queue);
        queue.Definition = e.Settings.Resolve(e.Queue);
        queue.CreatedAt ??= e.At;
        queue.ChangedAt = e.At;
    }

    private void ApplyDeadLettered(Queue source, MessageDeadLettered e)
    {
        var message = source.ApplyRemoved(e);
        var attributes = new Dictionary<string, string>(message.Attributes.Count + 2, StringComparer.Ordinal);
        foreach (var (key, value) in message.Attributes)
            if (!DeadLetterAttributes.IsDeadLetterNote(key)) attributes[key] = value;
        attributes[DeadLetterAttributes.From] = source.Name;
        attributes[DeadLetterAttributes.Reason] = e.Reason.WireName();
        ForReplay(e.Target).ApplyArrival(message, e.At, attributes, e.MaxTries, e.Timeout, e.Delay);
    }

    private void ApplyRedriven(Queue deadLetterQueue, MessageRedriven e)
    {
        var message = deadLetterQueue.ApplyRemoved(e);
        var attributes = new Dictionary<string, string>(message.Attributes.Count, StringComparer.Ordinal);
        foreach (var (key, value) in message.Attributes)
            if (!DeadLetterAttributes.IsDeadLetterNote(key)) attributes[key] = value;
        ForReplay(e.Target).ApplyArrival(message, e.At, attributes, e.MaxTries, e.Timeout, delay: null);
    }

    // A queue met in the log but no longer declared keeps its messages rather than failing replay.
    private Queue ForReplay(string name)
    {
        if (_queues.TryGetValue(name, out var queue)) return queue;
        queue = new Queue(QueueDefinition.WithDefaults(name));
        _queues.Add(name, queue);
        QueuesVersion++;
        return queue;
    }

    private void Emit(QueueEvent e, List<QueueEvent> events)
    {
        Apply(e);
        events.Add(e);
    }
}
