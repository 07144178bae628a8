using Microsoft.Extensions.Time.Testing;
using NodaTime;
using Spartan.Domain;
using Spartan.Domain.Events;
using Spartan.Engine;

namespace Spartan.Engine.Tests;

/// <summary>SPEC §7 history identity on the commit loop: a writer begins an epoch before it stores anything; a replica
/// adopts its primary's history, drops a divergent suffix or installs a snapshot, always through the loop; and a snapshot
/// captured before such a change is never written after it.</summary>
public sealed class BrokerHistoryTests : IAsyncDisposable
{
    private const string Q = "jobs";
    private static readonly QueueDefinition[] Declared = [new(Q, null, 5, 30, null)];
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 11, 30, 12, 0, 0, TimeSpan.Zero));
    private readonly RecordingLog _log = new();
    private readonly List<Broker> _brokers = [];

    public async ValueTask DisposeAsync()
    {
        foreach (var broker in _brokers) await broker.StopAsync();
        _log.Dispose();
    }

    private Broker Start(EngineStore store)
    {
        var broker = new Broker(new QueueSet(Declared), store, _clock);
        broker.Start();
        _brokers.Add(broker);
        return broker;
    }

    private MessagePushed Pushed(string body) =>
        new(Q, Instant.FromDateTimeOffset(_clock.GetUtcNow()), Guid.NewGuid(), body, 0, 0, new Dictionary<string, string>(), 5, 30, null);

    private static SequencedEvent[] Numbered(long first, params QueueEvent[] events) =>
        [.. events.Select((e, i) => new SequencedEvent(first + i, e))];

    [Fact]
    public async Task A_writer_begins_an_epoch_at_its_next_sequence_and_records_it()
    {
        _log.LastSequence = 41;
        var history = new MemoryHistoryStore(new History(Guid.NewGuid(), [new Epoch(3, Guid.NewGuid(), 7)]));
        var broker = Start(new EngineStore(_log, History: history));

        var epoch = await broker.BeginEpochAsync();

        Assert.Equal(new Epoch(4, epoch!.Value.Id, 42), epoch);
        Assert.Equal(epoch, history.Read().Latest);
        Assert.Same(history.Read(), broker.History);
        await broker.PushAsync(Q, new PushRequest(Guid.NewGuid(), "in epoch 4", null, null, null, null, null, null));
        Assert.Equal(42, _log.Appends.Single().Single().Sequence);
    }

    [Fact]
    public async Task A_writer_that_starts_on_a_full_disk_begins_its_epoch_before_its_first_write_once_it_can()
    {
        _log.UnwritableReason = "the disk is full";
        var history = new WrittenHistory(_log);
        var broker = Start(new EngineStore(_log, Recovery: new ReplayRecovery(_log), History: history));

        Assert.Null(await broker.BeginEpochAsync());
        Assert.Null(history.Read().Latest);

        _log.UnwritableReason = null;
        await broker.PushAsync(Q, new PushRequest(Guid.NewGuid(), "first", null, null, null, null, null, null));

        Assert.Equal(1, history.Read().Latest!.Value.Start);
        Assert.Equal(0, history.AppendsWhenWritten); // written before the push was stored
        Assert.Equal(1, _log.Appends.Single().Single().Sequence);
    }

    [Fact]
    public async Task A_replica_drops_the_events_after_a_sequence_rebuilds_its_state_and_adopts_the_history()
    {
        var broker = Start(new EngineStore(_log, Recovery: new ReplayRecovery(_log)));
        var pushed = Enumerable.Range(0, 10).Select(i => Pushed($"m{i}")).ToArray();
        Assert.Equal(10, (await broker.ApplyReplicatedAsync(Numbered(1, pushed))).Applied);
        var primary = new History(Guid.NewGuid(), [new Epoch(1, Guid.NewGuid(), 1)]);

        var held = await broker.TruncateAfterAsync(6, primary);

        Assert.Equal(6, held);
        Assert.Equal(6, broker.CommittedSequence);
        Assert.Equal(6, (await broker.CountAsync(Q)).Size);
        Assert.Equal(6, _log.LastSequence);
        Assert.Equal([1L, 2, 3, 4, 5, 6], _log.Appends.SelectMany(a => a).Select(e => e.Sequence));
        Assert.Same(primary, broker.History);
        Assert.Null((await broker.GetAsync(Q, pushed[6].MessageId)).Message);

        // The stream goes on from the sequence it went back to.
        Assert.Equal(7, (await broker.ApplyReplicatedAsync(Numbered(7, Pushed("other 7")))).Applied);
        Assert.Equal(7, (await broker.CountAsync(Q)).Size);
    }

    [Fact]
    public async Task A_node_that_keeps_no_log_cannot_drop_a_suffix_and_keeps_its_state()
    {
        var before = History.New();
        var broker = Start(new EngineStore(new TransientEventLog(), History: new MemoryHistoryStore(before)));
        await broker.ApplyReplicatedAsync(Numbered(1, Pushed("a"), Pushed("b")));

        await Assert.ThrowsAsync<InvalidOperationException>(() => broker.TruncateAfterAsync(1, History.New()));

        Assert.Equal(2, broker.CommittedSequence);
        Assert.Equal(2, (await broker.CountAsync(Q)).Size);
        Assert.Same(before, broker.History);
        Assert.Equal(2, broker.RewindFloor); // it says so in its handshake: it can only stay where it is
    }

    [Fact]
    public async Task A_snapshot_install_replaces_the_state_and_adopts_the_primary_history()
    {
        var broker = Start(EngineStore.InMemory());
        await broker.ApplyReplicatedAsync(Numbered(1, Pushed("foreign")));
        var primary = new History(Guid.NewGuid(), [new Epoch(1, Guid.NewGuid(), 1)]);
        var image = new StateImage(30, [new QueueImage(Q, 0, [], null)]);

        Assert.Equal(30, await broker.InstallSnapshotAsync(image, primary));

        Assert.Equal(30, broker.CommittedSequence);
        Assert.Equal(0, (await broker.CountAsync(Q)).Size);
        Assert.Same(primary, broker.History);
    }

    [Fact]
    public async Task A_snapshot_captured_before_an_install_is_not_persisted_after_it()
    {
        var broker = Start(EngineStore.InMemory());
        await broker.ApplyReplicatedAsync(Numbered(1, Pushed("old")));
        var (stale, lineage) = await broker.CaptureWithLineageAsync();
        await broker.InstallSnapshotAsync(new StateImage(9, [new QueueImage(Q, 0, [], null)]), adopt: null);
        var persisted = new List<StateImage>();

        Assert.Null(broker.PersistIfCurrent(stale, lineage, persisted.Add));
        Assert.Empty(persisted);

        // A capture taken after the install is persisted.
        Assert.NotNull(await broker.CaptureAndPersistAsync(persisted.Add));
        Assert.Equal(9, persisted.Single().Sequence);
    }

    /// <summary>Notes how many appends the log held when the history was written.</summary>
    private sealed class WrittenHistory(RecordingLog log) : IHistoryStore
    {
        private History _history = History.New();

        public int AppendsWhenWritten { get; private set; } = -1;

        public History Read() => _history;

        public void Write(History history)
        {
            AppendsWhenWritten = log.Appends.Count;
            _history = history;
        }
    }
}
