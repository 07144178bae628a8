using Microsoft.Extensions.Time.Testing;
using Spartan.Domain;
using Spartan.Engine;

namespace Spartan.Engine.Tests;

/// <summary>SPEC §6, a store that refuses a write (a full disk): that batch answers 503, the state goes back to what
/// the store holds, reads go on, writes answer 503, and writes are taken again once the store takes them.</summary>
public sealed class ReadOnlyBrokerTests : IAsyncLifetime
{
    private const string Q = "jobs";
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);
    private static readonly QueueDefinition[] Declared = [new(Q, null, 5, 30, null)];
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private readonly RecordingLog _log = new();
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 11, 26, 12, 0, 0, TimeSpan.Zero));
    private readonly ReplayRecovery _recovery;
    private readonly Broker _broker;

    public ReadOnlyBrokerTests()
    {
        _recovery = new ReplayRecovery(_log);
        _broker = new Broker(new QueueSet(Declared), new EngineStore(_log, Recovery: _recovery), _clock);
        _broker.Start();
    }

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync() => await _broker.StopAsync();

    private static PushRequest Body(string body) => new(Guid.NewGuid(), body, null, null, null, null, null, null);

    private void FillDisk()
    {
        _log.FailWith = new IOException("No space left on device");
        _log.UnwritableReason = "the disk is full";
    }

    private void FreeDisk()
    {
        _log.FailWith = null;
        _log.UnwritableReason = null;
    }

    [Fact]
    public async Task A_refused_write_answers_503_and_leaves_the_state_as_the_store_holds_it()
    {
        var kept = await _broker.PushAsync(Q, Body("kept"));
        FillDisk();

        await Assert.ThrowsAsync<StorageUnavailableException>(() => _broker.PushAsync(Q, Body("refused")));

        Assert.Equal(1, _recovery.Rebuilds);
        Assert.Equal(1, (await _broker.CountAsync(Q)).Size);
        Assert.Equal(kept, (await _broker.PeekAsync(Q)).Message!.Id);
        Assert.False(_broker.Writable);
    }

    [Fact]
    public async Task While_unwritable_reads_are_served_and_writes_answer_503_without_deciding_anything()
    {
        var id = await _broker.PushAsync(Q, Body("held"));
        var reserved = await _broker.PopWaitAsync(Q, 1, TimeSpan.Zero, CancellationToken.None);
        FillDisk();
        await Assert.ThrowsAsync<StorageUnavailableException>(() => _broker.PushAsync(Q, Body("refused")));
        var appends = _log.Appends.Count;

        // The reservation runs out meanwhile: a read must not decide its expiry, as nothing can be stored.
        _clock.Advance(TimeSpan.FromMinutes(5));
        Assert.Equal(id, (await _broker.GetAsync(Q, id)).Message!.Id);
        Assert.Equal(1, (await _broker.CountAsync(Q)).Size);
        await Assert.ThrowsAsync<StorageUnavailableException>(() => _broker.DeleteAsync(Q, id, null));
        await Assert.ThrowsAsync<StorageUnavailableException>(() => _broker.PopWaitAsync(Q, 1, TimeSpan.FromSeconds(5), CancellationToken.None));
        await Assert.ThrowsAsync<StorageUnavailableException>(() => _broker.TickAsync());

        Assert.Equal(appends, _log.Appends.Count);
        Assert.Equal(MessageStatus.Transit, reserved[0].Status);
    }

    [Fact]
    public async Task Parked_consumers_are_answered_503_when_the_store_stops_taking_writes()
    {
        var parked = _broker.PopWaitAsync(Q, 1, TimeSpan.FromSeconds(20), CancellationToken.None);
        await Until(() => _broker.ParkedConsumers == 1);
        FillDisk();

        await Assert.ThrowsAsync<StorageUnavailableException>(() => _broker.PushAsync(Q, Body("refused")));

        await Assert.ThrowsAsync<StorageUnavailableException>(() => parked.WaitAsync(Deadline, Ct));
        Assert.Equal(0, _broker.ParkedConsumers);
    }

    [Fact]
    public async Task Writes_are_taken_again_once_the_store_takes_them_and_time_acts_again()
    {
        await _broker.PushAsync(Q, Body("a"));
        var reserved = await _broker.PopWaitAsync(Q, 1, TimeSpan.Zero, CancellationToken.None);
        FillDisk();
        await Assert.ThrowsAsync<StorageUnavailableException>(() => _broker.PushAsync(Q, Body("refused")));
        _clock.Advance(TimeSpan.FromMinutes(5));

        FreeDisk();
        await _broker.PushAsync(Q, Body("b"));

        Assert.True(_broker.Writable);
        Assert.Equal(2, (await _broker.CountAsync(Q)).Size);
        // The reservation that ran out while unwritable now expires as it should: the message is visible again.
        var next = await _broker.PopWaitAsync(Q, 2, TimeSpan.Zero, CancellationToken.None);
        Assert.Contains(next, m => m.Id == reserved[0].Id);
    }

    [Fact]
    public async Task A_log_that_starts_unwritable_serves_reads_only_until_it_takes_writes()
    {
        var log = new RecordingLog { UnwritableReason = "the disk is full" };
        await using var broker = new Broker(new QueueSet(Declared), new EngineStore(log, Recovery: new ReplayRecovery(log)), _clock);
        broker.Start();

        Assert.Equal(0, (await broker.CountAsync(Q)).Size);
        await Assert.ThrowsAsync<StorageUnavailableException>(() => broker.PushAsync(Q, Body("refused")));
        log.UnwritableReason = null;
        await broker.PushAsync(Q, Body("taken"));
        Assert.Equal(1, (await broker.CountAsync(Q)).Size);
    }

    private static async Task Until(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + Deadline;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "condition not reached");
            await Task.Delay(1, Ct);
        }
    }
}
