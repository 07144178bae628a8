namespace Spartan.Client.Tests;

/// <summary>Every route through the client against a node, batching off (each call is its own request).</summary>
public sealed class RoutesTests
{
    private static CancellationToken Ct => Harness.Ct;

    private static Task<Harness> StartAsync(string toml = TestNode.DefaultToml) =>
        Harness.StartAsync(toml, o => o.Batching = false);

    [Fact]
    public async Task Push_then_pop_carries_every_field_and_the_receipt()
    {
        await using var h = await StartAsync();
        var id = await h.Client.PushAsync("other", new OutgoingMessage("héllo")
        {
            Priority = 7,
            Attributes = new Dictionary<string, string> { ["kind"] = "greeting" },
            Timeout = TimeSpan.FromSeconds(45),
            MaxTries = 3,
            Offset = TimeSpan.FromHours(3),
        }, Ct);
        Assert.Single(h.Recorder.Of(HttpMethod.Post, "/other"));

        var message = await h.Client.PopAsync("other", ct: Ct);

        Assert.NotNull(message);
        Assert.Equal(("other", id, "héllo", 7, "greeting"), (message.Queue, message.Id, message.Body, message.Priority, message.Attributes["kind"]));
        Assert.Equal((MessageStatus.Transit, 1u, 3u), (message.Status, message.Tries, message.MaxTries));
        Assert.Equal(TimeSpan.FromSeconds(45), message.Timeout);
        Assert.Equal(TimeSpan.FromHours(3), message.Offset);
        Assert.Equal(h.Node.Clock.GetUtcNow(), message.ObtainedAt);
        Assert.Equal(h.Node.Clock.GetUtcNow(), message.DispatchedAt);
        Assert.Equal(TimeSpan.Zero, message.DispatchedAt.Offset);
        Assert.Null(message.VisibleAt);
        Assert.False(string.IsNullOrEmpty(message.Receipt));
        Assert.Equal(message.ObtainedAt + message.Timeout, message.ReservedUntil);
    }

    [Theory]
    [InlineData(-3661)]
    [InlineData(86399)]
    [InlineData(-86399)]
    public async Task Instants_are_read_in_utc_whatever_the_message_offset(int offsetSeconds)
    {
        await using var h = await StartAsync();
        h.Advance(TimeSpan.FromMilliseconds(1234));
        var id = await h.Client.PushAsync("other", new OutgoingMessage("x") { Offset = TimeSpan.FromSeconds(offsetSeconds) }, Ct);

        var message = await h.Client.GetMessageAsync("other", id, Ct);

        Assert.Equal(TimeSpan.FromSeconds(offsetSeconds), message!.Offset);
        Assert.Equal(h.Node.Clock.GetUtcNow(), message.DispatchedAt);
    }

    [Fact]
    public async Task Pop_answers_null_on_an_empty_queue_and_honours_a_visibility_timeout()
    {
        await using var h = await StartAsync();
        Assert.Null(await h.Client.PopAsync("other", ct: Ct));
        await h.Client.PushAsync("other", "x", Ct);

        var message = await h.Client.PopAsync("other", visibilityTimeout: TimeSpan.FromSeconds(90), ct: Ct);

        Assert.Equal(TimeSpan.FromSeconds(90), message!.Timeout);
        Assert.Contains(h.Recorder.Requests, r => r.Path == "/other?timeout=90");
    }

    [Fact]
    public async Task A_long_poll_is_answered_by_a_push_and_ends_empty_when_its_wait_runs_out()
    {
        await using var h = await StartAsync();
        var waiting = h.Client.PopAsync("other", TimeSpan.FromSeconds(20), ct: Ct);
        await h.Node.WaitParkedAsync(1);
        Assert.False(waiting.IsCompleted);
        var id = await h.Node.PushAsync("other");
        Assert.Equal(id, (await waiting)!.Id);

        var empty = h.Client.PopBatchAsync("other", 5, TimeSpan.FromSeconds(3), ct: Ct);
        await h.Node.WaitParkedAsync(1);
        h.Advance(TimeSpan.FromSeconds(3));
        Assert.Empty(await empty);
    }

    [Fact]
    public async Task A_cancelled_long_poll_ends_at_once_and_reserves_nothing()
    {
        await using var h = await StartAsync();
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var waiting = h.Client.PopAsync("other", TimeSpan.FromSeconds(20), ct: cancel.Token);
        await h.Node.WaitParkedAsync(1);

        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
        await h.Node.PushAsync("other");
        var stats = await h.Client.GetStatsAsync("other", Ct);
        Assert.Equal((1, 0), (stats.Available, stats.InFlight));
        await h.Node.WaitParkedAsync(0);
    }

    [Fact]
    public async Task Batch_push_and_batch_pop_keep_request_order()
    {
        await using var h = await StartAsync();
        var ids = await h.Client.PushBatchAsync("other", [.. Enumerable.Range(0, 5).Select(i => new OutgoingMessage($"m{i}"))], Ct);

        var popped = await h.Client.PopBatchAsync("other", 10, ct: Ct);

        Assert.Equal(ids, popped.Select(m => m.Id));
        Assert.Equal(["m0", "m1", "m2", "m3", "m4"], popped.Select(m => m.Body));
        Assert.All(popped, m => Assert.False(string.IsNullOrEmpty(m.Receipt)));
        Assert.Equal(5, h.Recorder.Of(HttpMethod.Post, "/other/batch").Single().Count("messages"));
        Assert.Contains(h.Recorder.Requests, r => r.Path == "/other/batch?count=10");
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => h.Client.PushBatchAsync("other", [], Ct));
    }

    [Fact]
    public async Task Delete_by_receipt_removes_the_message_and_a_stale_receipt_is_refused()
    {
        await using var h = await StartAsync();
        await h.Client.PushAsync("other", new OutgoingMessage("x") { MaxTries = 5 }, Ct);
        var first = (await h.Client.PopAsync("other", ct: Ct))!;
        await h.Client.RequeueAsync(first, Ct);
        var second = (await h.Client.PopAsync("other", ct: Ct))!;
        Assert.Equal(2u, second.Tries);

        var stale = await Assert.ThrowsAsync<StaleReceiptException>(() => h.Client.DeleteAsync(first, Ct));
        Assert.Equal(first.Id, stale.MessageId);
        var removed = await h.Client.RemoveAsync("other", second.Id, second.Receipt, Ct);

        Assert.Equal(second.Id, removed.Id);
        Assert.Null(await h.Client.GetMessageAsync("other", second.Id, Ct));
        var missing = await Assert.ThrowsAsync<MessageNotFoundException>(() => h.Client.DeleteAsync(second, Ct));
        Assert.Equal(second.Id, missing.MessageId);
    }

    [Fact]
    public async Task Batch_delete_tells_deleted_not_found_and_stale_apart()
    {
        await using var h = await StartAsync();
        await h.Client.PushBatchAsync("other", [new OutgoingMessage("a") { MaxTries = 5 }, "b"], Ct);
        var a = (await h.Client.PopAsync("other", ct: Ct))!;
        var b = (await h.Client.PopAsync("other", ct: Ct))!;
        await h.Client.RequeueAsync(a, Ct);
        await h.Client.PopAsync("other", ct: Ct); // a again, with a new receipt
        var unknown = Guid.NewGuid();

        var result = await h.Client.DeleteBatchAsync("other", [a.Reference, b.Reference, new MessageReference(unknown)], Ct);

        Assert.Equal([b.Id], result.Deleted);
        Assert.Equal([a.Id], result.Stale);
        Assert.Equal([unknown], result.NotFound);
    }

    [Fact]
    public async Task Touch_restarts_the_reservation_with_a_new_length()
    {
        await using var h = await StartAsync();
        await h.Client.PushAsync("other", "x", Ct);
        var message = (await h.Client.PopAsync("other", ct: Ct))!;
        h.Advance(TimeSpan.FromSeconds(20));

        var touched = await h.Client.TouchAsync(message, TimeSpan.FromSeconds(60), Ct);

        Assert.Equal((message.Id, message.Receipt), (touched.Id, touched.Receipt));
        Assert.Equal(h.Node.Clock.GetUtcNow(), touched.ObtainedAt);
        Assert.Equal(TimeSpan.FromSeconds(60), touched.Timeout);
        h.Advance(TimeSpan.FromSeconds(59));
        Assert.Equal(MessageStatus.Transit, (await h.Client.GetMessageAsync("other", message.Id, Ct))!.Status);
    }

    [Fact]
    public async Task Peek_and_get_read_without_reserving()
    {
        await using var h = await StartAsync();
        Assert.Null(await h.Client.PeekAsync("other", Ct));
        var id = await h.Client.PushAsync("other", new OutgoingMessage("x") { Delay = TimeSpan.FromSeconds(10) }, Ct);
        Assert.Null(await h.Client.PeekAsync("other", Ct));
        h.Advance(TimeSpan.FromSeconds(10));

        var peeked = await h.Client.PeekAsync("other", Ct);
        var got = await h.Client.GetMessageAsync("other", id, Ct);

        Assert.Equal((id, MessageStatus.Available, 0u), (peeked!.Id, peeked.Status, peeked.Tries));
        Assert.Equal(got!.DispatchedAt + TimeSpan.FromSeconds(10), got.VisibleAt);
        Assert.Null(await h.Client.GetMessageAsync("other", Guid.NewGuid(), Ct));
    }

    [Fact]
    public async Task Size_stats_clear_and_redrive()
    {
        await using var h = await StartAsync();
        await h.Client.PushBatchAsync("default", ["a", "b", new OutgoingMessage("c") { Delay = TimeSpan.FromSeconds(5) }], Ct);
        var a = (await h.Client.PopAsync("default", ct: Ct))!;

        Assert.Equal(3, await h.Client.GetSizeAsync("default", Ct));
        Assert.Equal(new QueueStats(3, 1, 1, 1, 0, "default-dead", TimeSpan.Zero), await h.Client.GetStatsAsync("default", Ct));

        await h.Client.RequeueAsync(a, Ct); // no tries left: dead-lettered
        Assert.Equal(1, await h.Client.GetSizeAsync("default-dead", Ct));
        Assert.Equal(1, await h.Client.RedriveAsync("default", Ct));
        Assert.Equal(0, await h.Client.GetSizeAsync("default-dead", Ct));

        await h.Client.ClearAsync("default", Ct);
        Assert.Equal(0, await h.Client.GetSizeAsync("default", Ct));
        await Assert.ThrowsAsync<InvalidRequestException>(() => h.Client.RedriveAsync("other", Ct));
    }

    [Fact]
    public async Task Queues_runtime_queues_and_health()
    {
        await using var h = await StartAsync();
        Assert.Equal(["default", "default-dead", "other"], (await h.Client.ListQueuesAsync(Ct)).Select(q => q.Name));
        var settings = new QueueSettings { DeadLetter = "other", MaxTries = 4, Timeout = TimeSpan.FromSeconds(60) };

        var created = await h.Client.CreateQueueAsync("jobs", settings, Ct);
        var again = await h.Client.CreateQueueAsync("jobs", settings, Ct);
        await Assert.ThrowsAsync<QueueConflictException>(() => h.Client.CreateQueueAsync("jobs", new QueueSettings(), Ct));
        var changed = await h.Client.ChangeQueueAsync("jobs",
            new QueueSettingsChange { Delay = TimeSpan.FromSeconds(2), Clear = QueueSettingFields.DeadLetter }, Ct);
        var detail = await h.Client.GetQueueAsync("jobs", Ct);
        await h.Client.PushAsync("jobs", "x", Ct);

        Assert.Equal((true, false, settings), (created.Created, again.Created, created.Settings));
        Assert.Equal(new QueueSettings { MaxTries = 4, Timeout = TimeSpan.FromSeconds(60), Delay = TimeSpan.FromSeconds(2) }, changed.Settings);
        Assert.Equal(("jobs", false, changed.Settings, h.Node.Clock.GetUtcNow()), (detail.Name, detail.Declared, detail.Settings, detail.CreatedAt));
        Assert.Contains(await h.Client.ListQueuesAsync(Ct), q => q is { Name: "jobs", Declared: false, Stats.Delayed: 1 });
        await Assert.ThrowsAsync<QueueConflictException>(() => h.Client.DeleteQueueAsync("other", Ct));
        Assert.Equal(1, await h.Client.DeleteQueueAsync("jobs", Ct));
        await Assert.ThrowsAsync<QueueNotFoundException>(() => h.Client.GetQueueAsync("jobs", Ct));

        var health = await h.Client.GetHealthAsync(Ct);
        Assert.Equal(("ok", "standalone", null), (health.Status, health.Role, health.Primary));
    }

    [Fact]
    public async Task Errors_come_back_as_typed_exceptions()
    {
        await using var h = await StartAsync("""
            queues = ["q"]
            body_size = 16
            """);

        var notFound = await Assert.ThrowsAsync<QueueNotFoundException>(() => h.Client.PushAsync("nope", "x", Ct));
        Assert.Equal((System.Net.HttpStatusCode.NotFound, "Queue not found"), (notFound.StatusCode, notFound.Title));
        await Assert.ThrowsAsync<MessageTooLargeException>(() => h.Client.PushAsync("q", new string('x', 17), Ct));
        var invalid = await Assert.ThrowsAsync<InvalidRequestException>(() => h.Client.PushAsync("q",
            new OutgoingMessage("x") { Attributes = new Dictionary<string, string> { ["spartan.mine"] = "1" } }, Ct));
        Assert.Contains("spartan.mine", invalid.Detail);
        await Assert.ThrowsAsync<MessageNotFoundException>(() => h.Client.RequeueAsync("q", Guid.NewGuid(), ct: Ct));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => h.Client.PopAsync("q", TimeSpan.FromSeconds(21), ct: Ct));
    }

    [Fact]
    public async Task Keys_are_sent_as_bearer_and_a_refused_key_is_access_denied()
    {
        const string toml = """
            queues = ["q"]
            [[access_keys]]
            key = "secret"
            queues = ["*"]
            """;
        await using var h = await Harness.StartAsync(toml, o => (o.Batching, o.AccessKey) = (false, "secret"));
        await h.Client.PushAsync("q", "x", Ct);
        Assert.Equal(1, await h.Client.GetSizeAsync("q", Ct));

        await using var wrong = new SpartanClient(h.Node.Client, new SpartanClientOptions { AccessKey = "guess", Batching = false });
        var denied = await Assert.ThrowsAsync<AccessDeniedException>(() => wrong.GetSizeAsync("q", Ct));
        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, denied.StatusCode);
    }
}
