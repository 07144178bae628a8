using System.Collections.Concurrent;

namespace Spartan.Client.Tests;

/// <summary><see cref="SpartanProcessor"/>: its concurrency limit, delete on success, requeue on failure, graceful stop.</summary>
public sealed class ProcessorTests
{
    private const string Toml = """
        queues = ["other"]
        [queue_settings.other]
        max_tries = 5
        """;

    private static CancellationToken Ct => Harness.Ct;

    /// <summary>A handler that holds each message until the test lets it go.</summary>
    private sealed class Gates
    {
        private int _running;
        private int _most;

        public ConcurrentDictionary<Guid, TaskCompletionSource> Waiting { get; } = new();
        public ConcurrentQueue<ReceivedMessage> Done { get; } = new();
        public int Most => Volatile.Read(ref _most);

        public async Task HandleAsync(ReceivedMessage message, CancellationToken ct)
        {
            var now = Interlocked.Increment(ref _running);
            for (var most = _most; now > most; most = _most) Interlocked.CompareExchange(ref _most, now, most);
            try
            {
                // Bounded in real time, so that a failing test ends instead of waiting for its handlers forever.
                await Waiting.GetOrAdd(message.Id, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously))
                    .Task.WaitAsync(TimeSpan.FromSeconds(10), ct);
                Done.Enqueue(message);
            }
            finally
            {
                Interlocked.Decrement(ref _running);
            }
        }

        public int Held => Waiting.Values.Count(g => !g.Task.IsCompleted);

        public async Task ReleaseOneAsync()
        {
            await Harness.EventuallyAsync(() => Held > 0, "a handler waiting");
            Waiting.Values.First(g => !g.Task.IsCompleted).TrySetResult();
        }
    }

    [Fact]
    public async Task No_more_handlers_run_at_once_than_the_limit_and_each_handled_message_is_deleted()
    {
        await using var h = await Harness.StartAsync(Toml);
        await h.Client.PushBatchAsync("other", [.. Enumerable.Range(0, 10).Select(i => new OutgoingMessage($"m{i}"))], Ct);
        var gates = new Gates();
        await using var processor = new SpartanProcessor(h.Client, "other", gates.HandleAsync, new ProcessorOptions { MaxConcurrency = 3 });

        await processor.StartAsync(Ct);
        await Harness.EventuallyAsync(() => gates.Held == 3, "three handlers running");

        Assert.Equal(3, processor.InFlight);
        var stats = await h.Client.GetStatsAsync("other", Ct);
        Assert.Equal((3, 7), (stats.InFlight, stats.Available)); // nothing reserved that no handler can start on
        for (var i = 0; i < 10; i++) await gates.ReleaseOneAsync();
        await Harness.EventuallyAsync(async () => await h.Client.GetSizeAsync("other", Ct) == 0, "every message deleted");
        Assert.Equal(3, gates.Most);
        Assert.Equal(Enumerable.Range(0, 10).Select(i => $"m{i}").Order(), gates.Done.Select(m => m.Body).Order());
    }

    [Fact]
    public async Task A_handler_that_throws_gets_its_message_requeued_and_tried_again()
    {
        await using var h = await Harness.StartAsync(Toml);
        var id = await h.Client.PushAsync("other", "x", Ct);
        var tries = new ConcurrentQueue<uint>();
        var errors = new ConcurrentQueue<(Exception, ReceivedMessage?)>();
        Task Handle(ReceivedMessage message, CancellationToken ct)
        {
            tries.Enqueue(message.Tries);
            return message.Tries == 1 ? throw new InvalidOperationException("the first try fails") : Task.CompletedTask;
        }

        await using var processor = new SpartanProcessor(h.Client, "other", Handle,
            new ProcessorOptions { OnError = (e, m) => errors.Enqueue((e, m)) });
        await processor.StartAsync(Ct);

        await Harness.EventuallyAsync(async () => await h.Client.GetSizeAsync("other", Ct) == 0, "the message deleted");
        Assert.Equal([1u, 2u], tries);
        var (error, failed) = Assert.Single(errors);
        Assert.Equal(("the first try fails", id), (error.Message, failed!.Id));
        Assert.Single(h.Recorder.Of(HttpMethod.Post, "/other/requeue"));
    }

    [Fact]
    public async Task Stopping_ends_the_long_poll_takes_no_new_message_and_waits_for_the_running_handlers()
    {
        await using var h = await Harness.StartAsync(Toml);
        await h.Client.PushBatchAsync("other", ["a", "b"], Ct);
        var gates = new Gates();
        await using var processor = new SpartanProcessor(h.Client, "other", gates.HandleAsync, new ProcessorOptions { MaxConcurrency = 3 });
        await processor.StartAsync(Ct);
        await Harness.EventuallyAsync(() => gates.Held == 2, "both handlers running");
        await h.Node.WaitParkedAsync(1); // the third slot long-polls
        var pops = h.Recorder.Of(HttpMethod.Get, "/other/batch").Count;

        var stopping = processor.StopAsync(Ct);
        Assert.False(stopping.IsCompleted);
        await gates.ReleaseOneAsync();
        Assert.False(stopping.IsCompleted);
        await gates.ReleaseOneAsync();
        await stopping;

        Assert.Equal(["a", "b"], gates.Done.Select(m => m.Body).Order());
        Assert.Equal(0, await h.Client.GetSizeAsync("other", Ct));
        Assert.Equal(pops, h.Recorder.Of(HttpMethod.Get, "/other/batch").Count); // no pop since the stop
    }

    [Fact]
    public async Task When_the_host_stops_waiting_the_handlers_are_cancelled_and_their_messages_requeued()
    {
        await using var h = await Harness.StartAsync(Toml);
        await h.Client.PushAsync("other", "x", Ct);
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        async Task Handle(ReceivedMessage message, CancellationToken ct)
        {
            started.TrySetResult();
            await Task.Delay(Timeout.Infinite, ct);
        }

        await using var processor = new SpartanProcessor(h.Client, "other", Handle);
        await processor.StartAsync(Ct);
        await started.Task.WaitAsync(Ct);
        using var patience = new CancellationTokenSource();

        var stopping = processor.StopAsync(patience.Token);
        Assert.False(stopping.IsCompleted);
        await patience.CancelAsync();
        await stopping;

        await Harness.EventuallyAsync(async () => (await h.Client.GetStatsAsync("other", Ct)).Available == 1, "the message requeued");
    }

    /// <summary>A worker as an application writes one.</summary>
    private sealed class Worker(SpartanProcessor processor) : Microsoft.Extensions.Hosting.BackgroundService
    {
        protected override Task ExecuteAsync(CancellationToken stoppingToken) => processor.RunAsync(stoppingToken);
    }

    [Fact]
    public async Task A_background_service_runs_the_processor_until_it_is_stopped_then_lets_the_handler_finish()
    {
        await using var h = await Harness.StartAsync(Toml);
        await h.Client.PushAsync("other", "x", Ct);
        var gates = new Gates();
        await using var processor = new SpartanProcessor(h.Client, "other", gates.HandleAsync);
        using var worker = new Worker(processor);
        await worker.StartAsync(Ct);
        await Harness.EventuallyAsync(() => gates.Held == 1, "the handler running");

        var stopping = worker.StopAsync(Ct);
        Assert.False(stopping.IsCompleted);
        await gates.ReleaseOneAsync();
        await stopping;

        Assert.Equal(0, await h.Client.GetSizeAsync("other", Ct));
    }
}
