using Microsoft.Extensions.Time.Testing;
using Spartan.Domain;
using Spartan.Engine;

namespace Spartan.Engine.Tests;

/// <summary>Where the commit loop runs (ADR 0005): on one thread of its own, which sleeps between batches and is the
/// only one to write the log.</summary>
public sealed class BrokerThreadTests
{
    private const string Q = "jobs";
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_loop_commits_every_batch_on_its_own_thread()
    {
        var observer = new ThreadObserver();
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 26, 12, 0, 0, TimeSpan.Zero));
        using var log = new RecordingLog();
        await using var broker = new Broker(new QueueSet([new QueueDefinition(Q, null, 1, 30, null)]), new EngineStore(log), clock);
        broker.AddObserver(observer);
        broker.Start();

        // Several batches, with the loop asleep between them.
        for (var i = 0; i < 5; i++) await broker.PushAsync(Q, new PushRequest(Guid.NewGuid(), $"m{i}", null, null, null, null, null, null));
        var popped = await broker.PopWaitAsync(Q, 5, TimeSpan.Zero, Ct);

        Assert.Equal(5, popped.Count);
        Assert.Equal(6, observer.Threads.Count);
        Assert.All(observer.Threads, t => Assert.Equal(("Spartan commit loop", false), t));
        Assert.Single(observer.Ids.Distinct());
    }

    [Fact]
    public async Task Observers_are_fixed_once_the_loop_runs()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 26, 12, 0, 0, TimeSpan.Zero));
        await using var broker = new Broker(new QueueSet([new QueueDefinition(Q, null, 1, 30, null)]), EngineStore.InMemory(), clock);
        broker.Start();

        Assert.Throws<InvalidOperationException>(() => broker.AddObserver(new ThreadObserver()));
    }

    [Fact]
    public async Task A_command_sent_after_the_stop_is_answered_and_never_left_waiting()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 26, 12, 0, 0, TimeSpan.Zero));
        var broker = new Broker(new QueueSet([new QueueDefinition(Q, null, 1, 30, null)]), EngineStore.InMemory(), clock);
        broker.Start();
        await broker.StopAsync();

        await Assert.ThrowsAsync<StorageUnavailableException>(() =>
            broker.PushAsync(Q, new PushRequest(Guid.NewGuid(), "late", null, null, null, null, null, null)).WaitAsync(TimeSpan.FromSeconds(10), Ct));
        await broker.DisposeAsync();
    }

    private sealed class ThreadObserver : ICommitObserver
    {
        public List<(string? Name, bool Pool)> Threads { get; } = [];
        public List<int> Ids { get; } = [];

        public void Committed(IReadOnlyList<SequencedEvent> events, TimeSpan writeTime)
        {
            var thread = Thread.CurrentThread;
            Threads.Add((thread.Name, thread.IsThreadPoolThread));
            Ids.Add(thread.ManagedThreadId);
        }
    }
}
