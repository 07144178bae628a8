using Microsoft.Extensions.Time.Testing;
using Spartan.Domain;

namespace Spartan.Storage.Tests;

/// <summary>Where the commit loop runs (ADR 0005): its own thread when every append waits for the disk, the thread
/// pool otherwise; either way it keeps working the same.</summary>
public sealed class BrokerThreadTests
{
    private const string Q = "jobs";
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task The_loop_owns_a_thread_only_when_the_log_syncs_each_write(bool syncs)
    {
        var observer = new ThreadObserver();
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 26, 12, 0, 0, TimeSpan.Zero));
        await using var broker = new Broker(
            new QueueSet([new QueueDefinition(Q, null, 1, 30, null)]), new RecordingLog { SyncsEachWrite = syncs }, clock);
        broker.AddObserver(observer);
        broker.Start();

        // Several batches, with the loop idle (blocked or yielded) between them.
        for (var i = 0; i < 5; i++) await broker.PushAsync(Q, new PushRequest(Guid.NewGuid(), $"m{i}", null, null, null, null, null, null));
        var popped = await broker.PopWaitAsync(Q, 5, TimeSpan.Zero, Ct);

        Assert.Equal(5, popped.Count);
        Assert.Equal(6, observer.Threads.Count);
        if (syncs)
        {
            Assert.All(observer.Threads, t => Assert.Equal(("Spartan commit loop", false), t));
            Assert.Single(observer.Ids.Distinct());
        }
        else
        {
            Assert.All(observer.Threads, t => Assert.True(t.Pool, "a pool worker"));
        }
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
