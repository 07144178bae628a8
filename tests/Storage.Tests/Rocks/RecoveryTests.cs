using NodaTime;
using Spartan.Domain;
using Spartan.Domain.Events;
using Spartan.Engine;
using Spartan.Storage.Rocks;

namespace Spartan.Storage.Tests.Rocks;

/// <summary>Recovery from the data folder rebuilds exactly the live state (SPEC §6), and refuses damaged data.</summary>
public sealed class RecoveryTests(ITestOutputHelper output) : IDisposable
{
    private static readonly Instant At = Instant.FromUtc(2026, 11, 26, 12, 0, 0);
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(20261126)]
    [InlineData(7)]
    public async Task Recovering_the_persisted_log_rebuilds_the_live_state(int seed)
    {
        output.WriteLine($"Bogus seed {seed}");
        var run = new LoggedWorkload(seed);
        using (var store = RocksStore.OpenReadWrite(_folder.Path, syncEvents: false))
            await run.RunAsync(store.EventLog, 3000);

        using var reopened = RocksStore.OpenReadWrite(_folder.Path, syncEvents: false);
        var recovered = Recovery.Run(reopened, run.Definitions, TimeProvider.System);

        Assert.Equal(13, run.Live.Events.Select(e => e.GetType()).Distinct().Count());
        Assert.Equal((0L, run.LastSequence), (recovered.SnapshotSequence, recovered.EventsReplayed));
        Assert.Equal(run.Live.Set.Queues.Sum(q => q.Size), recovered.MessagesRestored);
        run.AssertRecovered(recovered);
    }

    [Fact]
    public async Task A_snapshot_plus_the_events_after_it_rebuild_the_live_state()
    {
        var run = new LoggedWorkload(424242);
        long covered;
        using (var store = RocksStore.OpenReadWrite(_folder.Path, syncEvents: true))
        {
            await run.RunAsync(store.EventLog, 1500);
            covered = run.LastSequence;
            store.Snapshots.Write(run.Live.Set.Capture(covered));
            await run.RunAsync(store.EventLog, 1500);
        }

        using var reopened = RocksStore.OpenReadWrite(_folder.Path, syncEvents: true);
        var recovered = Recovery.Run(reopened, run.Definitions, TimeProvider.System);

        Assert.Equal(covered, recovered.SnapshotSequence);
        Assert.Equal(run.LastSequence - covered, recovered.EventsReplayed);
        run.AssertRecovered(recovered);
    }

    [Fact]
    public async Task A_later_snapshot_replaces_the_earlier_one_whole()
    {
        using var store = RocksStore.OpenReadWrite(_folder.Path, syncEvents: true);
        store.EventLog.Append([new SequencedEvent(1, new QueueCleared("old", At))]);
        store.Snapshots.Write(new StateImage(1, [new QueueImage("old", 0, [], null), new QueueImage("kept", 4, [], null)]));
        store.Snapshots.Write(new StateImage(1, [new QueueImage("kept", 5, [], null)]));

        var snapshot = store.Snapshots.Read()!;
        var queue = Assert.Single(snapshot.Queues);
        Assert.Equal(("kept", 5L), (queue.Name, queue.NextSequence));
    }

    [Fact]
    public async Task Queues_found_in_the_data_but_not_declared_are_kept_and_reported()
    {
        using (var store = RocksStore.OpenReadWrite(_folder.Path, syncEvents: true))
        {
            store.EventLog.Append([Pushed(1, "retired"), Pushed(2, "kept")]);
        }

        using var reopened = RocksStore.OpenReadWrite(_folder.Path, syncEvents: true);
        var recovered = Recovery.Run(reopened, [QueueDefinition.WithDefaults("kept")], TimeProvider.System);

        Assert.Equal(["retired"], recovered.UndeclaredQueues);
        Assert.Equal(1, recovered.State["retired"].Size);
        Assert.Equal(2, recovered.MessagesRestored);
        Assert.Equal(2, reopened.EventLog.Read(1, 10).Count);
    }

    [Fact]
    public async Task An_event_value_that_does_not_decode_stops_recovery()
    {
        using (var store = RocksStore.OpenReadWrite(_folder.Path, syncEvents: true))
        {
            store.EventLog.Append([Pushed(1, "q"), Pushed(2, "q")]);
            using (var lease = store.Lease()) lease.Db.Put(Keys.Number(2), new byte[] { 0x93, 0x01, 0x01, 0xff }, lease.Handle.Events);
        }

        using var reopened = RocksStore.OpenReadWrite(_folder.Path, syncEvents: true);
        var error = Assert.Throws<StoreException>(() => Recovery.Run(reopened, [QueueDefinition.WithDefaults("q")], TimeProvider.System));
        Assert.Contains(_folder.Path, error.Message, StringComparison.Ordinal);
        Assert.Contains("event 2 does not decode", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_snapshot_blob_that_does_not_decode_stops_recovery()
    {
        using (var store = RocksStore.OpenReadWrite(_folder.Path, syncEvents: true))
        {
            store.EventLog.Append([Pushed(1, "q")]);
            store.Snapshots.Write(new StateImage(1, [new QueueImage("q", 0, [], null)]));
            using (var lease = store.Lease()) lease.Db.Put(Keys.Queue("q"), "not messagepack"u8.ToArray(), lease.Handle.Snapshots);
        }

        using var reopened = RocksStore.OpenReadWrite(_folder.Path, syncEvents: true);
        var error = Assert.Throws<StoreException>(() => Recovery.Run(reopened, [QueueDefinition.WithDefaults("q")], TimeProvider.System));
        Assert.Contains("snapshot of queue q does not decode", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_gap_in_the_log_stops_recovery()
    {
        using (var store = RocksStore.OpenReadWrite(_folder.Path, syncEvents: true))
            store.EventLog.Append([Pushed(1, "q"), Pushed(3, "q")]);

        using var reopened = RocksStore.OpenReadWrite(_folder.Path, syncEvents: true);
        var error = Assert.Throws<StoreException>(() => Recovery.Run(reopened, [QueueDefinition.WithDefaults("q")], TimeProvider.System));
        Assert.Contains("jumps from 1 to 3", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_event_that_does_not_apply_stops_recovery()
    {
        using (var store = RocksStore.OpenReadWrite(_folder.Path, syncEvents: true))
            store.EventLog.Append([new SequencedEvent(1, new MessageDeleted("q", At, Guid.NewGuid()))]);

        using var reopened = RocksStore.OpenReadWrite(_folder.Path, syncEvents: true);
        var error = Assert.Throws<StoreException>(() => Recovery.Run(reopened, [QueueDefinition.WithDefaults("q")], TimeProvider.System));
        Assert.Contains("event 1 does not apply", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_empty_folder_recovers_to_empty_declared_queues()
    {
        using var store = RocksStore.OpenReadWrite(_folder.Path, syncEvents: true);
        var recovered = Recovery.Run(store, [QueueDefinition.WithDefaults("q")], TimeProvider.System);

        Assert.Equal((0L, 0L, 0L, 0L), (recovered.LastSequence, recovered.SnapshotSequence, recovered.EventsReplayed, recovered.MessagesRestored));
        Assert.Equal(["q"], recovered.State.Queues.Select(q => q.Name));
    }

    private static SequencedEvent Pushed(long sequence, string queue) => new(sequence,
        new MessagePushed(queue, At, Guid.NewGuid(), "b", 0, 0, new Dictionary<string, string>(), 1, 30, null));
}
