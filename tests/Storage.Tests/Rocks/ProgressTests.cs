using Spartan.Domain;
using Spartan.Engine;
using Spartan.Storage.Rocks;

namespace Spartan.Storage.Tests.Rocks;

/// <summary>Long startups say what they do: recovery and compaction report progress at least every 5 s.</summary>
public sealed class ProgressTests : IDisposable
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task Replay_reports_how_many_events_of_how_many_while_it_runs()
    {
        using var store = RocksStore.OpenReadWrite(_folder.Path, syncEvents: false);
        await FillAsync(store, 10_000);
        var reports = new List<StepProgress>();

        // Every clock read moves time on 2 s, so a report is due every few pages of 4096 events.
        Recovery.Run(store, [QueueDefinition.WithDefaults("q")], new SteppingClock(TimeSpan.FromSeconds(2)), reports.Add);

        Assert.NotEmpty(reports);
        Assert.All(reports, r => Assert.Equal(("replaying the event log", 10_000L), (r.Step, r.Total)));
        Assert.Equal(reports.Select(r => r.Done).Order(), reports.Select(r => r.Done));
    }

    [Fact]
    public async Task Replay_under_5_s_reports_nothing()
    {
        using var store = RocksStore.OpenReadWrite(_folder.Path, syncEvents: false);
        await FillAsync(store, 10_000);
        var reports = new List<StepProgress>();

        Recovery.Run(store, [QueueDefinition.WithDefaults("q")], new SteppingClock(TimeSpan.FromMilliseconds(100)), reports.Add);

        Assert.Empty(reports);
    }

    [Fact]
    public async Task Compaction_reports_the_removal_of_folded_events()
    {
        using var store = RocksStore.OpenReadWrite(_folder.Path, syncEvents: false);
        await FillAsync(store, 10_000);
        var recovered = Recovery.Run(store, [QueueDefinition.WithDefaults("q")], TimeProvider.System);
        var reports = new List<StepProgress>();

        var compacted = Compaction.Run(store, recovered.State.Capture(recovered.LastSequence), new SteppingClock(TimeSpan.FromSeconds(6)),
            reports.Add, slice: 1000);

        Assert.Equal(10_000, compacted.EventsRemoved);
        Assert.Equal(10, reports.Count);
        Assert.Equal(10_000, reports[^1].Done);
        Assert.All(reports, r => Assert.Equal(("removing folded events", 10_000L), (r.Step, r.Total)));
        Assert.Equal(10_001, store.EventLog.FirstSequence);
    }

    private static async Task FillAsync(RocksStore store, int count)
    {
        var at = NodaTime.Instant.FromUtc(2026, 11, 26, 12, 0);
        var batch = new List<SequencedEvent>(count);
        for (var i = 1; i <= count; i++)
            batch.Add(new SequencedEvent(i, new Domain.Events.QueueCleared("q", at)));
        store.EventLog.Append(batch);
    }

    /// <summary>A clock whose every read moves time on by a fixed step, so "every 5 s" is reached by work done.</summary>
    private sealed class SteppingClock(TimeSpan step) : TimeProvider
    {
        private long _ticks;

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public override long GetTimestamp() => Interlocked.Add(ref _ticks, step.Ticks);
    }
}
