using Microsoft.Extensions.Time.Testing;
using Spartan.Domain;
using Spartan.Domain.Events;
using Spartan.Engine;

namespace Spartan.Engine.Tests;

/// <summary>The commit loop: ordering, group commit, replies only after the write, fail-stop.</summary>
public sealed class BrokerTests : IAsyncLifetime
{
    private const string Q = "jobs";
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private readonly RecordingLog _log = new() { LastSequence = 41 };
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 11, 26, 12, 0, 0, TimeSpan.Zero));
    private readonly Broker _broker;

    public BrokerTests()
    {
        _broker = new Broker(new QueueSet([new QueueDefinition(Q, null, 1, 30, null)]), new EngineStore(_log), _clock);
        _broker.Start();
    }

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        _log.Release();
        await _broker.StopAsync();
    }

    private Task<IReadOnlyList<MessageSnapshot>> PopAsync() => _broker.PopWaitAsync(Q, 1, TimeSpan.Zero, CancellationToken.None);

    private static PushRequest Body(string body) => new(Guid.NewGuid(), body, null, null, null, null, null, null);

    [Fact]
    public async Task Events_get_contiguous_global_sequence_numbers_after_the_logs_last()
    {
        await _broker.PushAsync(Q, Body("a"));
        await PopAsync();

        var sequences = _log.Appends.SelectMany(a => a).Select(e => e.Sequence).ToArray();
        Assert.Equal([42L, 43L], sequences);
        Assert.IsType<MessagePushed>(_log.Appends[0][0].Event);
        Assert.Equal(43, _broker.CommittedSequence);
    }

    [Fact]
    public async Task No_caller_is_answered_before_its_batch_is_written()
    {
        _log.Hold();
        var push = _broker.PushAsync(Q, Body("held"));
        await _log.Holding.Task.WaitAsync(Deadline, Ct);

        var size = _broker.CountAsync(Q);
        Assert.False(push.IsCompleted);
        Assert.False(size.IsCompleted);

        _log.Release();
        await push.WaitAsync(Deadline, Ct);
        Assert.Equal(1, (await size.WaitAsync(Deadline, Ct)).Size);
    }

    [Fact]
    public async Task Requests_queued_during_a_write_share_the_next_write()
    {
        _log.Hold();
        var first = _broker.PushAsync(Q, Body("first"));
        await _log.Holding.Task.WaitAsync(Deadline, Ct);
        var queued = Enumerable.Range(0, 200).Select(i => _broker.PushAsync(Q, Body($"m{i}"))).ToArray();

        _log.Release();
        await Task.WhenAll(queued).WaitAsync(Deadline, Ct);
        await first;

        Assert.Equal(2, _log.Appends.Count);
        Assert.Equal(200, _log.Appends[1].Length);
    }

    [Fact]
    public async Task Later_commands_in_a_batch_see_the_effects_of_earlier_ones()
    {
        _log.Hold();
        var blocker = _broker.PushAsync(Q, Body("blocker"));
        await _log.Holding.Task.WaitAsync(Deadline, Ct);
        var push = _broker.PushAsync(Q, Body("x"));
        var pop1 = PopAsync();
        var pop2 = PopAsync();
        var pop3 = PopAsync();
        _log.Release();

        await blocker;
        var counts = new[] { (await pop1).Count, (await pop2).Count, (await pop3).Count };
        Assert.Equal([1, 1, 0], counts);
        Assert.NotEqual((await pop1)[0].Id, (await pop2)[0].Id);
        await push;
    }

    [Fact]
    public async Task A_failed_write_fails_its_batch_and_every_later_command()
    {
        await _broker.PushAsync(Q, Body("kept"));
        _log.FailWith = new IOException("disk gone");

        await Assert.ThrowsAsync<StorageUnavailableException>(() => _broker.PushAsync(Q, Body("lost")));
        var error = await _broker.Faulted.WaitAsync(Deadline, Ct);
        Assert.IsType<IOException>(error);
        await Assert.ThrowsAsync<StorageUnavailableException>(() => _broker.CountAsync(Q));
    }

    [Fact]
    public async Task Reservations_end_from_the_clock_the_broker_was_given()
    {
        await _broker.PushAsync(Q, new PushRequest(Guid.NewGuid(), "x", null, null, null, 2, 5, null));
        await PopAsync();
        Assert.Equal(0, await _broker.TickAsync());

        _clock.Advance(TimeSpan.FromSeconds(6));
        Assert.Equal(1, await _broker.TickAsync());
        Assert.Equal(1, (await _broker.CountAsync(Q)).Available);
    }

    [Fact]
    public async Task Stop_answers_what_was_queued_and_refuses_what_comes_after()
    {
        var pushes = Enumerable.Range(0, 50).Select(i => _broker.PushAsync(Q, Body($"m{i}"))).ToArray();
        await _broker.StopAsync();

        Assert.All(pushes, p => Assert.True(p.IsCompletedSuccessfully));
        await Assert.ThrowsAsync<StorageUnavailableException>(() => _broker.PushAsync(Q, Body("late")));
    }
}
