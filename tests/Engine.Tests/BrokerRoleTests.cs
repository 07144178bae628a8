using Microsoft.Extensions.Time.Testing;
using NodaTime;
using Spartan.Domain;
using Spartan.Domain.Events;
using Spartan.Engine;

namespace Spartan.Engine.Tests;

/// <summary>SPEC §13 on the commit loop: a node that follows decides no event of its own but applies its primary's
/// stream; leading begins an epoch numbered by etcd before any write of it; with ack = "replica" a committed batch's
/// callers are answered only once the barrier lets its last sequence through.</summary>
public sealed class BrokerRoleTests : IAsyncDisposable
{
    private const string Q = "jobs";
    private static readonly QueueDefinition[] Declared = [new(Q, null, 5, 30, null)];
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 12, 1, 12, 0, 0, TimeSpan.Zero));
    private readonly RecordingLog _log = new();
    private readonly List<Broker> _brokers = [];

    public async ValueTask DisposeAsync()
    {
        foreach (var broker in _brokers) await broker.StopAsync();
        _log.Dispose();
    }

    private Broker Create(EngineStore store)
    {
        var broker = new Broker(new QueueSet(Declared), store, _clock);
        _brokers.Add(broker);
        return broker;
    }

    private static PushRequest Push(string body) => new(Guid.NewGuid(), body, null, null, null, null, null, null);

    private MessagePushed Pushed(string body) =>
        new(Q, Instant.FromDateTimeOffset(_clock.GetUtcNow()), Guid.NewGuid(), body, 0, 0, new Dictionary<string, string>(), 5, 30, null);

    [Fact]
    public async Task A_follower_refuses_every_write_of_its_own_and_serves_reads()
    {
        var broker = Create(new EngineStore(_log));
        await broker.FollowAsync();
        broker.Start();

        await Assert.ThrowsAsync<NotPrimaryException>(() => broker.PushAsync(Q, Push("no")));
        await Assert.ThrowsAsync<NotPrimaryException>(() => broker.PopWaitAsync(Q, 1, TimeSpan.Zero, CancellationToken.None));
        await Assert.ThrowsAsync<NotPrimaryException>(() => broker.CollectGarbageAsync());
        await Assert.ThrowsAsync<NotPrimaryException>(() => broker.CreateQueueAsync("other", QueueSettings.None, 100));
        Assert.Equal(0, (await broker.CountAsync(Q)).Size);
        Assert.True(broker.Following);
        Assert.Empty(_log.Appends);
    }

    [Fact]
    public async Task A_follower_applies_its_primarys_stream()
    {
        var broker = Create(new EngineStore(_log));
        await broker.FollowAsync();
        broker.Start();

        var outcome = await broker.ApplyReplicatedAsync([new SequencedEvent(1, Pushed("from the primary"))]);

        Assert.Equal(1, outcome.Applied);
        Assert.Equal(1, (await broker.CountAsync(Q)).Size);
        Assert.Equal(1, _log.Appends.Single().Single().Sequence);
    }

    [Fact]
    public async Task A_reservation_that_runs_out_on_a_follower_stays_the_primarys_to_end()
    {
        var broker = Create(new EngineStore(_log));
        broker.Start();
        await broker.PushAsync(Q, Push("held"));
        var popped = await broker.PopWaitAsync(Q, 1, TimeSpan.Zero, CancellationToken.None);
        Assert.Single(popped);

        await broker.FollowAsync();
        _clock.Advance(TimeSpan.FromMinutes(5)); // the 30 s reservation ran out: only the primary decides its expiry
        var counts = await broker.CountAsync(Q);

        Assert.Equal(1, counts.InFlight);
        Assert.Equal(2, _log.Appends.Sum(a => a.Length));
    }

    [Fact]
    public async Task Stepping_down_answers_parked_consumers_not_primary()
    {
        var broker = Create(new EngineStore(_log));
        broker.Start();
        var parked = broker.PopWaitAsync(Q, 1, TimeSpan.FromSeconds(20), CancellationToken.None);
        while (broker.ParkedConsumers == 0) await Task.Yield();

        await broker.FollowAsync();

        await Assert.ThrowsAsync<NotPrimaryException>(() => parked);
        Assert.Equal(0, broker.ParkedConsumers);
    }

    [Fact]
    public async Task Leading_begins_the_epoch_etcd_numbered_before_any_write_and_takes_writes_again()
    {
        _log.LastSequence = 10;
        var history = new MemoryHistoryStore(new History(Guid.NewGuid(), [new Epoch(3, Guid.NewGuid(), 1)]));
        var broker = Create(new EngineStore(_log, History: history));
        await broker.FollowAsync();
        broker.Start();

        var epoch = await broker.LeadAsync(57);
        await broker.PushAsync(Q, Push("in epoch 57"));

        Assert.Equal(57, epoch!.Value.Number);
        Assert.Equal(11, epoch.Value.Start);
        Assert.Equal(epoch, history.Read().Latest);
        Assert.False(broker.Following);
        Assert.Equal(11, _log.Appends.Single().Single().Sequence);
    }

    [Fact]
    public async Task A_leader_refuses_another_primarys_stream_until_it_follows_again()
    {
        var broker = Create(new EngineStore(_log));
        broker.Start();
        await broker.LeadAsync(5);

        await Assert.ThrowsAsync<NotPrimaryException>(() => broker.ApplyReplicatedAsync([new SequencedEvent(1, Pushed("old primary"))]));
        await broker.FollowAsync();
        Assert.Equal(1, (await broker.ApplyReplicatedAsync([new SequencedEvent(1, Pushed("new primary"))])).Applied);
    }

    [Fact]
    public async Task An_epoch_number_not_above_the_known_ones_becomes_the_next_one()
    {
        var history = new MemoryHistoryStore(new History(Guid.NewGuid(), [new Epoch(80, Guid.NewGuid(), 1)]));
        var broker = Create(new EngineStore(_log, History: history));
        broker.Start();

        var epoch = await broker.LeadAsync(12); // etcd was rebuilt and counts from low numbers again

        Assert.Equal(81, epoch!.Value.Number);
    }

    [Fact]
    public async Task With_a_barrier_a_write_is_answered_only_once_the_barrier_passes_its_sequence()
    {
        var barrier = new ManualBarrier();
        var broker = Create(new EngineStore(_log));
        broker.SetCommitBarrier(barrier);
        broker.Start();

        var push = broker.PushAsync(Q, Push("wait for a replica"));
        var sequence = await barrier.Asked.Task;
        Assert.Equal(1, sequence);
        Assert.False(push.IsCompleted);
        Assert.Single(_log.Appends); // committed here already

        barrier.Release();
        await push;
    }

    [Fact]
    public async Task With_a_barrier_that_fails_the_write_is_answered_503_and_stays_stored()
    {
        var barrier = new ManualBarrier();
        var broker = Create(new EngineStore(_log));
        broker.SetCommitBarrier(barrier);
        broker.Start();

        var push = broker.PushAsync(Q, Push("no replica"));
        await barrier.Asked.Task;
        barrier.Fail(new StorageUnavailableException("No replica acknowledged the write within the lease."));

        var error = await Assert.ThrowsAsync<StorageUnavailableException>(() => push);
        Assert.Contains("No replica", error.Message, StringComparison.Ordinal);
        Assert.Equal(1, (await broker.CountAsync(Q)).Size);
    }

    [Fact]
    public async Task Reads_do_not_wait_for_the_barrier()
    {
        var barrier = new ManualBarrier();
        var broker = Create(new EngineStore(_log));
        broker.SetCommitBarrier(barrier);
        broker.Start();

        Assert.Equal(0, (await broker.CountAsync(Q)).Size);
        Assert.False(barrier.Asked.Task.IsCompleted);
    }

    [Fact]
    public void The_barrier_is_set_before_the_loop_starts()
    {
        var broker = Create(new EngineStore(_log));
        broker.Start();
        Assert.Throws<InvalidOperationException>(() => broker.SetCommitBarrier(new ManualBarrier()));
    }

    [Fact]
    public async Task A_replica_position_can_be_forgotten_so_the_log_is_not_kept_for_a_member_that_left()
    {
        var positions = new MemoryPositions();
        var broker = Create(new EngineStore(_log, Positions: positions));
        broker.Start();

        broker.RecordReplicaPosition("127.0.0.1:1", 7);
        broker.ForgetReplicaPosition("127.0.0.1:1");
        await broker.CountAsync(Q); // after both, in order, on the loop

        Assert.Empty(positions.Read());
        Assert.Equal(["write 127.0.0.1:1 7", "remove 127.0.0.1:1"], positions.Calls);
    }

    private sealed class MemoryPositions : IReplicaPositions
    {
        private readonly Dictionary<string, long> _positions = [];

        public List<string> Calls { get; } = [];

        public IReadOnlyDictionary<string, long> Read() => new Dictionary<string, long>(_positions);

        public void Write(string replica, long sequence)
        {
            Calls.Add($"write {replica} {sequence}");
            _positions[replica] = sequence;
        }

        public void Remove(string replica)
        {
            Calls.Add($"remove {replica}");
            _positions.Remove(replica);
        }
    }

    private sealed class ManualBarrier : ICommitBarrier
    {
        private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource<long> Asked { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public ValueTask WaitAsync(long sequence)
        {
            Asked.TrySetResult(sequence);
            return new ValueTask(_release.Task);
        }

        public void Release() => _release.TrySetResult();

        public void Fail(Exception error) => _release.TrySetException(error);
    }
}
