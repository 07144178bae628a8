namespace Spartan.Client.Tests;

/// <summary><see cref="SpartanClient.ConsumeAsync"/> under the node's fake clock: prefetch by batch pops, reservations
/// extended while messages are handled (buffered ones too), buffered messages handed back when it stops.</summary>
public sealed class ConsumerTests
{
    private static readonly TimeSpan TwoThirds = TimeSpan.FromSeconds(20); // of the default 30 s timeout

    // Tries to spare: a prefetched message handed back has used one (with max_tries 1 it would be exhausted).
    private const string Toml = """
        queues = ["other"]
        [queue_settings.other]
        max_tries = 5
        """;

    private static CancellationToken Ct => Harness.Ct;

    private static async Task<ReceivedMessage> NextAsync(IAsyncEnumerator<ReceivedMessage> consumer)
    {
        Assert.True(await consumer.MoveNextAsync());
        return consumer.Current;
    }

    private static Task TouchedNowAsync(Harness h, params ReceivedMessage[] messages) =>
        Harness.EventuallyAsync(async () =>
        {
            foreach (var m in messages)
                if ((await h.Client.GetMessageAsync(m.Queue, m.Id, Ct))!.ObtainedAt != h.Node.Clock.GetUtcNow()) return false;
            return true;
        }, "reservations touched at the current instant");

    [Fact]
    public async Task It_prefetches_with_batch_pops_and_hands_back_what_it_did_not_hand_out()
    {
        await using var h = await Harness.StartAsync(Toml);
        await h.Client.PushBatchAsync("other", [.. Enumerable.Range(0, 25).Select(i => new OutgoingMessage($"m{i}"))], Ct);
        var consumer = h.Client.ConsumeAsync("other", new ConsumeOptions { Prefetch = 10 }, Ct).GetAsyncEnumerator(Ct);

        var received = new List<ReceivedMessage>();
        for (var i = 0; i < 10; i++) received.Add(await NextAsync(consumer));
        Assert.Equal(["/other/batch?count=10&wait=20"], h.Recorder.Of(HttpMethod.Get, "/other/batch").Select(r => r.Path));
        Assert.Equal((10, 15), await InFlightAndAvailable(h));
        received.Add(await NextAsync(consumer));
        Assert.Equal(2, h.Recorder.Of(HttpMethod.Get, "/other/batch").Count);

        await consumer.DisposeAsync();

        Assert.Equal(Enumerable.Range(0, 11).Select(i => $"m{i}"), received.Select(m => m.Body));
        Assert.Equal((11, 14), await InFlightAndAvailable(h)); // the 9 prefetched and not handed out are back
        Assert.Equal(9, h.Recorder.Of(HttpMethod.Post, "/other/requeue").Count);
    }

    [Fact]
    public async Task A_message_being_handled_is_touched_before_its_reservation_runs_out_until_it_is_deleted()
    {
        await using var h = await Harness.StartAsync(Toml);
        await h.Client.PushAsync("other", "x", Ct);
        await using var consumer = h.Client.ConsumeAsync("other", ct: Ct).GetAsyncEnumerator(Ct);
        var message = await NextAsync(consumer);

        h.Advance(TwoThirds);
        await TouchedNowAsync(h, message);
        h.Advance(TwoThirds); // 40 s after the pop: without the touches the 30 s reservation would be over
        await TouchedNowAsync(h, message);
        Assert.Equal(MessageStatus.Transit, (await h.Client.GetMessageAsync("other", message.Id, Ct))!.Status);

        await h.Client.DeleteAsync(message, Ct);

        Assert.True(message.Lease!.Ended);
        Assert.Equal(2, message.Lease.Touches);
        Assert.All(h.Recorder.Of(HttpMethod.Post, "/other/touch"), t => Assert.Contains(message.Receipt, t.Body));
    }

    [Fact]
    public async Task Prefetched_messages_are_kept_alive_too()
    {
        await using var h = await Harness.StartAsync(Toml);
        await h.Client.PushBatchAsync("other", ["a", "b", "c"], Ct);
        await using var consumer = h.Client.ConsumeAsync("other", new ConsumeOptions { Prefetch = 3 }, Ct).GetAsyncEnumerator(Ct);
        var a = await NextAsync(consumer);
        var others = await h.Client.PopBatchAsync("other", 3, ct: Ct);
        Assert.Empty(others);

        h.Advance(TwoThirds);
        await TouchesAnsweredAsync(h, 3);
        h.Advance(TwoThirds);
        await TouchesAnsweredAsync(h, 6);

        var b = await NextAsync(consumer);
        var c = await NextAsync(consumer);
        await TouchedNowAsync(h, a, b, c);
        Assert.Equal((3, 0), await InFlightAndAvailable(h));
    }

    [Fact]
    public async Task A_visibility_timeout_sets_the_reservation_and_the_touch_follows_it()
    {
        await using var h = await Harness.StartAsync(Toml);
        await h.Client.PushAsync("other", "x", Ct);
        await using var consumer = h.Client.ConsumeAsync("other", new ConsumeOptions { VisibilityTimeout = TimeSpan.FromSeconds(90) }, Ct)
            .GetAsyncEnumerator(Ct);
        var message = await NextAsync(consumer);
        Assert.Equal(TimeSpan.FromSeconds(90), message.Timeout);

        h.Advance(TimeSpan.FromSeconds(60));
        await TouchedNowAsync(h, message);
        Assert.Equal(TimeSpan.FromSeconds(90), (await h.Client.GetMessageAsync("other", message.Id, Ct))!.Timeout);
    }

    [Fact]
    public async Task Without_extension_a_reservation_runs_out_as_usual()
    {
        await using var h = await Harness.StartAsync(Toml);
        await h.Client.PushAsync("other", new OutgoingMessage("x") { MaxTries = 2 }, Ct);
        await using var consumer = h.Client.ConsumeAsync("other", new ConsumeOptions { ExtendVisibility = false }, Ct).GetAsyncEnumerator(Ct);
        var message = await NextAsync(consumer);
        Assert.Null(message.Lease);

        h.Advance(TimeSpan.FromSeconds(31));

        Assert.Equal(MessageStatus.Available, (await h.Client.GetMessageAsync("other", message.Id, Ct))!.Status);
        Assert.Empty(h.Recorder.Of(HttpMethod.Post, "/other/touch"));
    }

    [Fact]
    public async Task A_reservation_taken_by_another_consumer_is_not_extended_in_its_name()
    {
        await using var h = await Harness.StartAsync(Toml);
        await using var rival = h.OtherClient();
        await h.Client.PushAsync("other", new OutgoingMessage("x") { MaxTries = 5 }, Ct);
        await using var consumer = h.Client.ConsumeAsync("other", ct: Ct).GetAsyncEnumerator(Ct);
        var mine = await NextAsync(consumer);
        await rival.RequeueAsync("other", mine.Id, ct: Ct);
        var theirs = (await rival.PopAsync("other", ct: Ct))!;

        h.Advance(TwoThirds);

        await Harness.EventuallyAsync(() => mine.Lease!.Ended, "the lease gives up on a stale receipt");
        Assert.Equal(0, mine.Lease!.Touches);
        Assert.Equal(theirs.ObtainedAt, (await h.Client.GetMessageAsync("other", mine.Id, Ct))!.ObtainedAt);
    }

    [Fact]
    public async Task Extension_stops_after_the_longest_extension()
    {
        await using var h = await Harness.StartAsync(Toml);
        await h.Client.PushAsync("other", new OutgoingMessage("x") { MaxTries = 2 }, Ct);
        await using var consumer = h.Client.ConsumeAsync("other", new ConsumeOptions { MaxExtension = TimeSpan.FromSeconds(30) }, Ct)
            .GetAsyncEnumerator(Ct);
        var message = await NextAsync(consumer);

        h.Advance(TwoThirds);
        await TouchedNowAsync(h, message);
        h.Advance(TwoThirds); // 40 s: past the longest extension, so no second touch
        await Harness.EventuallyAsync(() => message.Lease!.Ended, "the lease gives up");
        h.Advance(TimeSpan.FromSeconds(11)); // 30 s after the one touch

        Assert.Equal(1, message.Lease!.Touches);
        Assert.Equal(MessageStatus.Available, (await h.Client.GetMessageAsync("other", message.Id, Ct))!.Status);
    }

    [Fact]
    public async Task Cancelling_a_consumer_that_long_polls_ends_it_and_reserves_nothing()
    {
        await using var h = await Harness.StartAsync(Toml);
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var consumer = h.Client.ConsumeAsync("other", ct: cancel.Token).GetAsyncEnumerator(Ct);
        var next = consumer.MoveNextAsync().AsTask();
        await h.Node.WaitParkedAsync(1);

        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => next);
        await consumer.DisposeAsync();
        await h.Node.PushAsync("other");
        Assert.Equal((0, 1), await InFlightAndAvailable(h));
    }

    private static Task TouchesAnsweredAsync(Harness h, int count) => Harness.EventuallyAsync(
        () => h.Recorder.Answered.Count(r => r.Path == "/other/touch") == count, $"{count} touches answered");

    private static async Task<(int, int)> InFlightAndAvailable(Harness h)
    {
        var stats = await h.Client.GetStatsAsync("other", Ct);
        return (stats.InFlight, stats.Available);
    }
}
