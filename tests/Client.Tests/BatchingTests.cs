namespace Spartan.Client.Tests;

/// <summary>Automatic batching of pushes and deletes, driven by the node's fake clock: the linger is honoured, no
/// batch holds more than 100, order is kept, and each caller gets its own id or its own error.</summary>
public sealed class BatchingTests
{
    private static readonly TimeSpan Linger = TimeSpan.FromMilliseconds(50);

    private static CancellationToken Ct => Harness.Ct;

    private static Task<Harness> StartAsync(string toml = TestNode.DefaultToml) =>
        Harness.StartAsync(toml, o => (o.PushLinger, o.DeleteLinger) = (Linger, Linger));

    [Fact]
    public async Task Concurrent_pushes_wait_for_the_linger_then_go_as_one_batch_each_caller_getting_its_own_id()
    {
        await using var h = await StartAsync();
        var pushes = Enumerable.Range(0, 10).Select(i => h.Client.PushAsync("other", $"m{i}", Ct)).ToArray();

        h.Advance(Linger - TimeSpan.FromMilliseconds(1));
        Assert.Empty(h.Recorder.Requests);
        Assert.All(pushes, p => Assert.False(p.IsCompleted));
        h.Advance(TimeSpan.FromMilliseconds(1));
        var ids = await Task.WhenAll(pushes);

        var batch = Assert.Single(h.Recorder.Requests);
        Assert.Equal("/other/batch", batch.Path);
        Assert.Equal(Enumerable.Range(0, 10).Select(i => $"m{i}"), batch.Strings("messages", "body"));
        for (var i = 0; i < ids.Length; i++)
            Assert.Equal($"m{i}", (await h.Client.GetMessageAsync("other", ids[i], Ct))!.Body);
    }

    [Fact]
    public async Task A_full_batch_goes_at_once_no_batch_holds_more_than_100_and_submission_order_is_kept()
    {
        await using var h = await StartAsync();
        var pushes = Enumerable.Range(0, 250).Select(i => h.Client.PushAsync("other", $"m{i}", Ct)).ToArray();

        // 100 go without waiting for the linger, the next 100 as soon as they are answered; the last 50 wait for it.
        await Harness.EventuallyAsync(() => pushes.Take(200).All(p => p.IsCompletedSuccessfully), "two full batches");
        Assert.All(pushes.Skip(200), p => Assert.False(p.IsCompleted));
        h.Advance(Linger);
        await Task.WhenAll(pushes);

        var batches = h.Recorder.Of(HttpMethod.Post, "/other/batch");
        Assert.Equal([100, 100, 50], batches.Select(b => b.Count("messages")));
        Assert.Equal(Enumerable.Range(0, 250).Select(i => $"m{i}"), batches.SelectMany(b => b.Strings("messages", "body")));
        var popped = new List<ReceivedMessage>();
        for (var i = 0; i < 3; i++) popped.AddRange(await h.Client.PopBatchAsync("other", 100, ct: Ct));
        Assert.Equal(Enumerable.Range(0, 250).Select(i => $"m{i}"), popped.Select(m => m.Body));
        Assert.Equal(await Task.WhenAll(pushes), popped.Select(m => m.Id));
    }

    [Fact]
    public async Task Producers_pushing_one_after_another_share_batches_and_keep_their_own_order()
    {
        // Linger zero: a batch goes as soon as none is in flight, and what the others push meanwhile joins the next.
        await using var h = await Harness.StartAsync();
        var producers = Enumerable.Range(0, 4).Select(async p =>
        {
            for (var i = 0; i < 30; i++) await h.Client.PushAsync("other", $"{p}:{i}", Ct);
        }).ToArray();
        await Task.WhenAll(producers);

        var popped = new List<ReceivedMessage>();
        popped.AddRange(await h.Client.PopBatchAsync("other", 100, ct: Ct));
        popped.AddRange(await h.Client.PopBatchAsync("other", 100, ct: Ct));
        Assert.Equal(120, popped.Count);
        for (var p = 0; p < 4; p++)
            Assert.Equal(Enumerable.Range(0, 30).Select(i => $"{p}:{i}"), popped.Select(m => m.Body).Where(b => b.StartsWith($"{p}:", StringComparison.Ordinal)));
        var batches = h.Recorder.Of(HttpMethod.Post, "/other/batch");
        Assert.Contains(batches, b => b.Count("messages") > 1);
        Assert.True(batches.Count < 120, $"{batches.Count} requests for 120 pushes");
    }

    [Fact]
    public async Task A_batch_refused_for_one_message_fails_only_that_callers_push()
    {
        await using var h = await StartAsync("""
            queues = ["q"]
            body_size = 16
            """);
        var spartanAttribute = new OutgoingMessage("e") { Attributes = new Dictionary<string, string> { ["spartan.x"] = "1" } };
        var pushes = new[] { "a", "b", new string('x', 17), "d" }.Select(b => h.Client.PushAsync("q", b, Ct))
            .Append(h.Client.PushAsync("q", spartanAttribute, Ct)).ToArray();

        h.Advance(Linger);

        var a = await pushes[0];
        var b = await pushes[1];
        await Assert.ThrowsAsync<MessageTooLargeException>(() => pushes[2]);
        var d = await pushes[3];
        await Assert.ThrowsAsync<InvalidRequestException>(() => pushes[4]);
        Assert.Single(h.Recorder.Of(HttpMethod.Post, "/q/batch"));
        Assert.Equal(5, h.Recorder.Of(HttpMethod.Post, "/q").Count);
        Assert.Equal([a, b, d], (await h.Client.PopBatchAsync("q", 10, ct: Ct)).Select(m => m.Id));
    }

    [Fact]
    public async Task A_batch_refused_as_a_whole_fails_every_caller_without_sending_again()
    {
        await using var h = await StartAsync();
        var pushes = Enumerable.Range(0, 3).Select(i => h.Client.PushAsync("nope", $"m{i}", Ct)).ToArray();

        h.Advance(Linger);

        foreach (var push in pushes) await Assert.ThrowsAsync<QueueNotFoundException>(() => push);
        Assert.Single(h.Recorder.Requests);
    }

    [Fact]
    public async Task A_push_cancelled_while_it_waits_for_its_batch_is_left_out()
    {
        await using var h = await StartAsync();
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var a = h.Client.PushAsync("other", "a", Ct);
        var b = h.Client.PushAsync("other", "b", cancel.Token);
        var c = h.Client.PushAsync("other", "c", Ct);

        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => b);
        h.Advance(Linger);
        await Task.WhenAll(a, c);

        Assert.Equal(["a", "c"], h.Recorder.Of(HttpMethod.Post, "/other/batch").Single().Strings("messages", "body"));
        Assert.Equal(2, await h.Client.GetSizeAsync("other", Ct));
    }

    [Fact]
    public async Task Flush_and_dispose_send_what_is_pending_without_waiting_for_the_linger()
    {
        await using var h = await Harness.StartAsync(configure: o => o.PushLinger = TimeSpan.FromHours(1));
        var pending = h.Client.PushAsync("other", "a", Ct);
        await h.Client.FlushAsync(Ct);
        Assert.True(pending.IsCompletedSuccessfully);

        var other = new SpartanClient(h.Node.Client, new SpartanClientOptions { TimeProvider = h.Node.Clock, PushLinger = TimeSpan.FromHours(1) });
        var late = other.PushAsync("other", "b", Ct);
        await other.DisposeAsync();
        await late;
        Assert.Equal(2, await h.Client.GetSizeAsync("other", Ct));
        await Assert.ThrowsAsync<ObjectDisposedException>(() => other.PushAsync("other", "c", Ct));
    }

    [Fact]
    public async Task Batched_deletes_tell_each_caller_its_own_outcome()
    {
        await using var h = await StartAsync();
        await using var rival = h.OtherClient();
        await h.Client.PushBatchAsync("other", [.. Enumerable.Range(0, 4).Select(i => new OutgoingMessage($"m{i}") { MaxTries = 5 })], Ct);
        var m = await h.Client.PopBatchAsync("other", 4, ct: Ct);
        await rival.RequeueAsync("other", m[2].Id, ct: Ct);
        Assert.Equal(m[2].Id, (await rival.PopAsync("other", ct: Ct))!.Id); // m2 is the rival's now
        await rival.RemoveAsync("other", m[3].Id, ct: Ct); // m3 is gone

        var deletes = m.Select(x => h.Client.DeleteAsync(x, Ct)).ToArray();
        h.Advance(Linger);

        await deletes[0];
        await deletes[1];
        Assert.Equal(m[2].Id, (await Assert.ThrowsAsync<StaleReceiptException>(() => deletes[2])).MessageId);
        Assert.Equal(m[3].Id, (await Assert.ThrowsAsync<MessageNotFoundException>(() => deletes[3])).MessageId);
        var batch = h.Recorder.Of(HttpMethod.Delete, "/other/batch").Single();
        Assert.Equal(m.Select(x => x.Id.ToString()), batch.Strings("ids"));
        Assert.Equal(m.Select(x => x.Receipt), batch.Strings("receipts"));
        Assert.Equal(MessageStatus.Transit, (await h.Client.GetMessageAsync("other", m[2].Id, Ct))!.Status);
        Assert.Equal(1, await h.Client.GetSizeAsync("other", Ct));
    }

    [Fact]
    public async Task One_id_is_never_twice_in_a_batch()
    {
        await using var h = await StartAsync();
        var push = h.Client.PushAsync("other", "x", Ct);
        h.Advance(Linger);
        await push;
        var message = (await h.Client.PopAsync("other", ct: Ct))!;

        var first = h.Client.DeleteAsync(message, Ct);
        var second = h.Client.DeleteAsync("other", message.Id, ct: Ct);
        h.Advance(Linger);

        await first;
        await Assert.ThrowsAsync<MessageNotFoundException>(() => second);
        Assert.Equal([1, 1], h.Recorder.Of(HttpMethod.Delete, "/other/batch").Select(b => b.Count("ids")));
    }
}
