using Microsoft.Extensions.Time.Testing;
using NodaTime;
using Spartan.Domain.Events;

namespace Spartan.Domain.Tests;

/// <summary>A queue set driven by a fake clock, recording every event it emits.</summary>
internal sealed class QueueHarness
{
    public const string Main = "main";
    public const string Dead = "main-dead";
    public const string Plain = "plain";

    public QueueHarness(params QueueDefinition[] definitions)
    {
        Definitions = definitions.Length > 0
            ? definitions
            : [new QueueDefinition(Main, Dead, 1, 30, null), QueueDefinition.WithDefaults(Dead), QueueDefinition.WithDefaults(Plain)];
        Set = new QueueSet(Definitions);
    }

    public QueueDefinition[] Definitions { get; }
    public QueueSet Set { get; }
    public FakeTimeProvider Clock { get; } = new(new DateTimeOffset(2026, 11, 26, 12, 0, 0, TimeSpan.Zero));
    public List<QueueEvent> Events { get; } = [];
    public Instant Now => Instant.FromDateTimeOffset(Clock.GetUtcNow());

    public void Advance(double seconds) => Clock.Advance(TimeSpan.FromSeconds(seconds));

    public Guid Push(string queue = Main, string body = "hello", byte? priority = null, uint? maxTries = null,
        uint? timeout = null, uint? delay = null, int? offset = null, IReadOnlyDictionary<string, string>? attributes = null) =>
        Set.Push(queue, new PushRequest(Guid.NewGuid(), body, offset, priority, attributes, maxTries, timeout, delay), Now, Events);

    public MessageSnapshot Pop(string queue = Main)
    {
        var decision = Set.Pop(queue, new Receipt(Guid.NewGuid()), Now, Events);
        Assert.Equal(Outcome.Ok, decision.Outcome);
        return decision.Message!;
    }

    public Outcome TryPop(string queue = Main) => Set.Pop(queue, new Receipt(Guid.NewGuid()), Now, Events).Outcome;

    public QueueCounts Counts(string queue = Main) => Set.Count(queue, Now, Events);

    public MessageSnapshot? Get(Guid id, string queue = Main) => Set.Get(queue, id, Now, Events).Message;

    public IEnumerable<T> EventsOf<T>() where T : QueueEvent => Events.OfType<T>();
}
