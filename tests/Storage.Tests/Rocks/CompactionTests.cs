using Spartan.Storage.Rocks;

namespace Spartan.Storage.Tests.Rocks;

/// <summary>Compaction folds the log into a snapshot, keeps only the events a recorded replica still needs, and
/// changes nothing that recovery rebuilds.</summary>
public sealed class CompactionTests(ITestOutputHelper output) : IDisposable
{
    private const int Seed = 20261126;
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task Compaction_keeps_the_events_after_the_lowest_replica_position_and_recovery_is_unchanged()
    {
        output.WriteLine($"Bogus seed {Seed}");
        var run = new LoggedWorkload(Seed);
        long lowest;
        using (var store = RocksStore.OpenReadWrite(_folder.Path, syncEvents: false))
        {
            await run.RunAsync(store.EventLog, 1000);
            lowest = run.LastSequence;
            store.WriteReplicaPosition("slow", lowest);
            await run.RunAsync(store.EventLog, 1000);
            store.WriteReplicaPosition("fast", run.LastSequence);
            await run.RunAsync(store.EventLog, 1000);
        }

        CompactionResult compacted;
        using (var store = RocksStore.OpenReadWrite(_folder.Path, syncEvents: false))
        {
            var recovered = Recovery.Run(store, run.Definitions, TimeProvider.System);
            compacted = Compaction.Run(store, recovered.State, recovered.LastSequence, TimeProvider.System);
        }

        Assert.Equal((run.LastSequence, lowest, lowest), (compacted.SnapshotSequence, compacted.RemovedThrough, compacted.EventsRemoved));
        using var reopened = RocksStore.OpenReadWrite(_folder.Path, syncEvents: false);
        Assert.Equal(lowest + 1, reopened.EventLog.FirstSequence);
        Assert.Equal(run.LastSequence, reopened.EventLog.LastSequence);
        var kept = reopened.EventLog.Read(0, int.MaxValue);
        Assert.Equal(run.LastSequence - lowest, kept.Count);
        Assert.Equal(lowest + 1, kept[0].Sequence);

        var after = Recovery.Run(reopened, run.Definitions, TimeProvider.System);
        Assert.Equal((run.LastSequence, 0L), (after.SnapshotSequence, after.EventsReplayed));
        run.AssertRecovered(after);
    }

    [Fact]
    public async Task Without_replicas_compaction_removes_every_event_and_numbering_goes_on_after_the_snapshot()
    {
        var run = new LoggedWorkload(7);
        using (var store = RocksStore.OpenReadWrite(_folder.Path, syncEvents: true))
        {
            await run.RunAsync(store.EventLog, 500);
            var recovered = Recovery.Run(store, run.Definitions, TimeProvider.System);
            var compacted = Compaction.Run(store, recovered.State, recovered.LastSequence, TimeProvider.System);
            Assert.Equal(run.LastSequence, compacted.EventsRemoved);
        }

        using (var reopened = RocksStore.OpenReadWrite(_folder.Path, syncEvents: true))
        {
            Assert.Empty(reopened.EventLog.Read(0, 10));
            Assert.Equal(run.LastSequence, reopened.EventLog.LastSequence);
            Assert.Equal(run.LastSequence + 1, reopened.EventLog.FirstSequence);
            await run.RunAsync(reopened.EventLog, 500);
        }

        using var last = RocksStore.OpenReadWrite(_folder.Path, syncEvents: true);
        run.AssertRecovered(Recovery.Run(last, run.Definitions, TimeProvider.System));
    }

    [Fact]
    public async Task Compacting_an_already_compacted_log_removes_nothing_more()
    {
        var run = new LoggedWorkload(7);
        using var store = RocksStore.OpenReadWrite(_folder.Path, syncEvents: true);
        await run.RunAsync(store.EventLog, 100);
        store.WriteReplicaPosition("r", 0);

        var recovered = Recovery.Run(store, run.Definitions, TimeProvider.System);
        var compacted = Compaction.Run(store, recovered.State, recovered.LastSequence, TimeProvider.System);

        Assert.Equal((0L, 0L), (compacted.EventsRemoved, compacted.RemovedThrough));
        Assert.Equal(run.LastSequence, store.EventLog.Read(0, int.MaxValue).Count);
    }
}
