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

    [Fact]
    public async Task Over_the_transient_log_a_caller_runs_its_own_batch_and_is_answered_at_once()
    {
        var observer = new ThreadObserver();
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 26, 12, 0, 0, TimeSpan.Zero));
        await using var broker = new Broker(new QueueSet([new QueueDefinition(Q, null, 1, 30, null)]), EngineStore.InMemory(), clock);
        broker.AddObserver(observer);
        broker.Start();
        // Once the loop's thread has taken what was queued before it ran, callers run their batches themselves.
        await broker.PushAsync(Q, new PushRequest(Guid.NewGuid(), "first", null, null, null, null, null, null));
        await WaitUntilAsync(() => observer.Threads.Count == 1);

        var caller = Environment.CurrentManagedThreadId;
        var push = broker.PushAsync(Q, new PushRequest(Guid.NewGuid(), "inline", null, null, null, null, null, null));

        Assert.True(push.IsCompletedSuccessfully);
        Assert.Equal(caller, observer.Ids[^1]);
        Assert.NotEqual("Spartan commit loop", observer.Threads[^1].Name);
    }

    [Fact]
    public async Task Over_the_transient_log_concurrent_callers_never_run_two_batches_at_once_and_all_are_answered()
    {
        var observer = new ThreadObserver();
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 26, 12, 0, 0, TimeSpan.Zero));
        var broker = new Broker(new QueueSet([new QueueDefinition(Q, null, 5, 30, null)]), EngineStore.InMemory(), clock);
        broker.AddObserver(observer);
        broker.Start();

        const int callers = 8, each = 500;
        var deleted = 0;
        var work = Enumerable.Range(0, callers).Select(c => Task.Run(async () =>
        {
            for (var i = 0; i < each; i++)
            {
                await broker.PushAsync(Q, new PushRequest(Guid.NewGuid(), $"{c}/{i}", null, null, null, null, null, null));
                if (i % 2 == 1)
                {
                    var popped = await broker.PopWaitAsync(Q, 1, TimeSpan.Zero, Ct);
                    if (popped.Count == 1 && (await broker.DeleteAsync(Q, popped[0].Id, popped[0].Receipt)).Outcome == Outcome.Ok)
                        Interlocked.Increment(ref deleted);
                }
            }
        }, Ct)).ToArray();
        await Task.WhenAll(work).WaitAsync(TimeSpan.FromSeconds(60), Ct);
        var counts = await broker.CountAsync(Q);
        await broker.StopAsync();
        // A command sent after the stop is refused, not left waiting.
        await Assert.ThrowsAsync<StorageUnavailableException>(() =>
            broker.PushAsync(Q, new PushRequest(Guid.NewGuid(), "late", null, null, null, null, null, null)).WaitAsync(TimeSpan.FromSeconds(10), Ct));
        await broker.DisposeAsync();

        Assert.Equal(callers * each - deleted, counts.Size);
        Assert.True(deleted > 0);
        Assert.Equal(0, observer.Overlaps);
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        for (var i = 0; i < 1000 && !condition(); i++) await Task.Delay(10, Ct);
        Assert.True(condition());
    }

    private sealed class ThreadObserver : ICommitObserver
    {
        public List<(string? Name, bool Pool)> Threads { get; } = [];
        public List<int> Ids { get; } = [];

        private int _inside;

        /// <summary>Times a batch was committed while another one was (must stay 0).</summary>
        public int Overlaps { get; private set; }

        public void Committed(IReadOnlyList<SequencedEvent> events, TimeSpan writeTime)
        {
            if (Interlocked.Increment(ref _inside) != 1) Overlaps++;
            var thread = Thread.CurrentThread;
            Threads.Add((thread.Name, thread.IsThreadPoolThread));
            Ids.Add(thread.ManagedThreadId);
            Thread.Yield(); // widen the window in which a second batch would overlap this one
            Interlocked.Decrement(ref _inside);
        }
    }
}
