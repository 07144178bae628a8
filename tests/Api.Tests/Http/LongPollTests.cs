using System.Net;
using System.Text.Json;

namespace Spartan.Api.Tests.Http;

/// <summary>Long polling (SPEC §3.2) with a fake clock: what wakes a parked consumer, in which order, and what
/// ends its wait.</summary>
public sealed class LongPollTests : IAsyncLifetime
{
    private TestNode _node = null!;

    public async ValueTask InitializeAsync() => _node = await TestNode.StartAsync();

    public async ValueTask DisposeAsync() => await _node.DisposeAsync();

    private Task<HttpResponseMessage> Poll(string path = "/other?wait=20", CancellationToken? cancel = null) =>
        _node.SendAsync(HttpMethod.Get, path, cancel: cancel);

    private static async Task<Guid> IdOf(Task<HttpResponseMessage> response)
    {
        var r = await response.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        return (await TestNode.ReadAsync(r)).GetProperty("id").GetGuid();
    }

    [Fact]
    public async Task A_push_wakes_a_parked_consumer_at_once()
    {
        var poll = Poll();
        await _node.WaitParkedAsync(1);
        Assert.False(poll.IsCompleted);

        var id = await _node.PushAsync("other");
        Assert.Equal(id, await IdOf(poll));
        await _node.WaitParkedAsync(0);
    }

    [Fact]
    public async Task A_requeue_wakes_a_parked_consumer()
    {
        var id = await _node.PushAsync("other", """{"body":"x","max_tries":2}""");
        await _node.SendAsync(HttpMethod.Get, "/other");
        var poll = Poll();
        await _node.WaitParkedAsync(1);

        await _node.SendAsync(HttpMethod.Post, "/other/requeue", $$"""{"id":"{{id}}"}""");
        Assert.Equal(id, await IdOf(poll));
    }

    [Fact]
    public async Task An_expired_reservation_wakes_a_parked_consumer_when_it_ends()
    {
        var id = await _node.PushAsync("other", """{"body":"x","max_tries":2,"timeout":5}""");
        await _node.SendAsync(HttpMethod.Get, "/other");
        var poll = Poll();
        await _node.WaitParkedAsync(1);

        _node.Advance(5);
        Assert.False(poll.IsCompleted);
        _node.Advance(0.001);
        Assert.Equal(id, await IdOf(poll));
    }

    [Fact]
    public async Task A_delayed_message_wakes_a_parked_consumer_when_its_delay_ends()
    {
        var id = await _node.PushAsync("other", """{"body":"x","delay":3}""");
        var poll = Poll();
        await _node.WaitParkedAsync(1);

        _node.Advance(2.9);
        await _node.WaitParkedAsync(1);
        Assert.False(poll.IsCompleted);
        _node.Advance(0.1);
        Assert.Equal(id, await IdOf(poll));
    }

    [Fact]
    public async Task The_wait_ends_after_s_seconds_with_404_or_an_empty_batch()
    {
        var single = Poll("/other?wait=2");
        var batch = Poll("/other/batch?count=5&wait=2");
        await _node.WaitParkedAsync(2);
        _node.Advance(1.999);
        await _node.WaitParkedAsync(2);
        _node.Advance(0.001);

        await ProblemAssert.IsAsync(await single.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken),
            HttpStatusCode.NotFound, "No message available");
        var empty = await batch.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
        Assert.Equal("""{"messages":[]}""", await empty.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task One_message_wakes_one_waiter_in_arrival_order()
    {
        var first = Poll();
        await _node.WaitParkedAsync(1);
        var second = Poll();
        await _node.WaitParkedAsync(2);
        var third = Poll();
        await _node.WaitParkedAsync(3);

        var a = await _node.PushAsync("other");
        Assert.Equal(a, await IdOf(first));
        await _node.WaitParkedAsync(2);
        Assert.False(second.IsCompleted || third.IsCompleted);

        var b = await _node.PushAsync("other");
        var c = await _node.PushAsync("other");
        Assert.Equal([b, c], [await IdOf(second), await IdOf(third)]);
    }

    [Fact]
    public async Task A_batch_long_poll_takes_what_arrives_up_to_its_count()
    {
        var poll = Poll("/other/batch?count=5&wait=20");
        await _node.WaitParkedAsync(1);
        await _node.SendAsync(HttpMethod.Post, "/other/batch", """{"messages":[{"body":"1"},{"body":"2"},{"body":"3"}]}""");

        var r = await poll.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
        var messages = (await TestNode.ReadAsync(r)).GetProperty("messages");
        Assert.Equal(["1", "2", "3"], messages.EnumerateArray().Select(m => m.GetProperty("body").GetString()));
    }

    [Fact]
    public async Task A_consumer_that_disconnects_stops_waiting_and_reserves_nothing()
    {
        using var gone = new CancellationTokenSource();
        var poll = Poll(cancel: gone.Token);
        await _node.WaitParkedAsync(1);
        await gone.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => poll);

        await _node.PushAsync("other");
        var stats = await TestNode.ReadAsync(await _node.SendAsync(HttpMethod.Get, "/other/stats"));
        Assert.Equal((1, 0), (stats.GetProperty("available").GetInt32(), stats.GetProperty("in_flight").GetInt32()));
        await _node.WaitParkedAsync(0);
    }

    [Fact]
    public async Task Stopping_the_server_releases_parked_consumers_promptly()
    {
        var polls = Enumerable.Range(0, 5).Select(_ => Poll()).ToArray();
        await _node.WaitParkedAsync(5);

        var stopping = _node.StopAsync();
        foreach (var poll in polls)
        {
            var r = await poll.WaitAsync(TimeSpan.FromSeconds(5), TestContext.Current.CancellationToken);
            Assert.Equal(HttpStatusCode.NotFound, r.StatusCode);
        }

        await stopping.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
    }

    [Theory]
    [InlineData("/other?wait=21")]
    [InlineData("/other?wait=-1")]
    [InlineData("/other?wait=1.5")]
    [InlineData("/other?wait=soon")]
    [InlineData("/other/batch?count=0")]
    [InlineData("/other/batch?count=101")]
    [InlineData("/other/batch?count=5&wait=30")]
    public async Task Out_of_range_wait_and_count_are_400(string path)
    {
        await ProblemAssert.IsAsync(await _node.SendAsync(HttpMethod.Get, path), HttpStatusCode.BadRequest, "Invalid request");
    }
}
