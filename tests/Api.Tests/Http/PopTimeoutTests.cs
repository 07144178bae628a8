using System.Net;
using System.Text.Json;

namespace Spartan.Api.Tests.Http;

/// <summary>SPEC §10, §11: pop's <c>?timeout=S</c> (0–43200) sets how long that one reservation lasts, instead of the
/// message's own timeout, for single and batch pops and long polls alike.</summary>
public sealed class PopTimeoutTests : IAsyncLifetime
{
    private const string Toml = """
        queues = ["q"]
        [queue_settings.q]
        timeout = 600
        max_tries = 10
        """;

    private TestNode _node = null!;

    public async ValueTask InitializeAsync() => _node = await TestNode.StartAsync(Toml);

    public async ValueTask DisposeAsync() => await _node.DisposeAsync();

    private async Task<JsonElement> OkAsync(string path)
    {
        var response = await _node.SendAsync(HttpMethod.Get, path);
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        return await TestNode.ReadAsync(response);
    }

    private static int Max(JsonElement message) => message.GetProperty("time").GetProperty("timeout").GetProperty("max").GetInt32();

    [Fact]
    public async Task A_pop_with_a_timeout_reserves_for_that_long_and_the_next_reservation_uses_the_message_timeout_again()
    {
        var id = await _node.PushAsync("q");

        var first = await OkAsync("/q?timeout=5");
        Assert.Equal(5, Max(first));
        _node.Advance(4.9);
        await ProblemAssert.IsAsync(await _node.SendAsync(HttpMethod.Get, "/q"), HttpStatusCode.NotFound, "No message available");
        _node.Advance(0.2);

        var second = await OkAsync("/q");
        Assert.Equal(id, second.GetProperty("id").GetGuid());
        Assert.Equal(600, Max(second));
        Assert.Equal(600, Max(await OkAsync($"/q/messages/{id}")));
    }

    [Fact]
    public async Task A_batch_pop_and_a_long_poll_take_the_timeout_too()
    {
        await _node.PushAsync("q");
        await _node.PushAsync("q");
        var batch = (await OkAsync("/q/batch?count=5&timeout=43200")).GetProperty("messages");
        Assert.Equal([43200, 43200], batch.EnumerateArray().Select(Max));

        var waiting = _node.SendAsync(HttpMethod.Get, "/q?wait=20&timeout=0");
        await _node.WaitParkedAsync(1);
        await _node.PushAsync("q");
        var served = await waiting;
        Assert.Equal(HttpStatusCode.OK, served.StatusCode);
        Assert.Equal(0, Max(await TestNode.ReadAsync(served)));
        // A zero-second reservation is over as soon as time moves: the message is visible again on the next pop.
        _node.Advance(1);
        var again = await OkAsync("/q");
        Assert.Equal(2, again.GetProperty("state").GetProperty("tries").GetInt32());
        Assert.Equal(600, Max(again));
    }

    [Theory]
    [InlineData("/q?timeout=43201")]
    [InlineData("/q?timeout=-1")]
    [InlineData("/q?timeout=abc")]
    [InlineData("/q?timeout=1&timeout=2")]
    [InlineData("/q/batch?timeout=99999")]
    public async Task A_timeout_out_of_range_is_400_and_reserves_nothing(string path)
    {
        await _node.PushAsync("q");
        await ProblemAssert.IsAsync(await _node.SendAsync(HttpMethod.Get, path), HttpStatusCode.BadRequest, "Invalid request", "timeout");
        Assert.Equal(1, (await OkAsync("/q/stats")).GetProperty("available").GetInt32());
    }
}
