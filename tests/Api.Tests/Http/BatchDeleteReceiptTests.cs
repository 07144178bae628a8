using System.Net;
using System.Text.Json;

namespace Spartan.Api.Tests.Http;

/// <summary>Batch delete with receipts (an extension for clients that batch their acknowledgements): an acknowledgement
/// whose reservation ran out and went to another consumer must not delete that consumer's message.</summary>
public sealed class BatchDeleteReceiptTests : IAsyncLifetime
{
    private TestNode _node = null!;

    public async ValueTask InitializeAsync() => _node = await TestNode.StartAsync("queues = [\"q\"]\n");

    public async ValueTask DisposeAsync() => await _node.DisposeAsync();

    private async Task<JsonElement> OkAsync(HttpMethod method, string path, string? body = null)
    {
        var response = await _node.SendAsync(method, path, body);
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        return await TestNode.ReadAsync(response);
    }

    private static Guid[] Ids(JsonElement result, string field) => [.. result.GetProperty(field).EnumerateArray().Select(i => i.GetGuid())];

    [Fact]
    public async Task A_stale_receipt_leaves_the_message_to_its_new_holder_and_says_so()
    {
        var held = await _node.PushAsync("q", """{"body":"a","timeout":10,"max_tries":5}""");
        var fresh = await _node.PushAsync("q", """{"body":"b","timeout":10,"max_tries":5}""");
        var first = await OkAsync(HttpMethod.Get, "/q/batch?count=2");
        var receipts = first.GetProperty("messages").EnumerateArray().ToDictionary(m => m.GetProperty("id").GetGuid(), m => m.GetProperty("receipt").GetString());
        _node.Advance(11); // both reservations run out; "a" goes to another consumer
        var again = await OkAsync(HttpMethod.Get, "/q");
        Assert.Equal(held, again.GetProperty("id").GetGuid());
        var unknown = Guid.NewGuid();

        var result = await OkAsync(HttpMethod.Delete, "/q/batch",
            $$"""{"ids":["{{held}}","{{fresh}}","{{unknown}}"],"receipts":["{{receipts[held]}}","{{receipts[fresh]}}",null]}""");

        Assert.Equal([held], Ids(result, "stale"));
        Assert.Equal([fresh], Ids(result, "deleted")); // its latest receipt, though expired: as a single delete does
        Assert.Equal([unknown], Ids(result, "not_found"));
        Assert.Equal(held, (await OkAsync(HttpMethod.Get, $"/q/messages/{held}")).GetProperty("id").GetGuid());
    }

    [Fact]
    public async Task Without_receipts_the_answer_is_the_one_spec_names()
    {
        var id = await _node.PushAsync("q");

        var result = await OkAsync(HttpMethod.Delete, "/q/batch", $$"""{"ids":["{{id}}"]}""");

        Assert.Equal(["deleted", "not_found"], result.EnumerateObject().Select(p => p.Name));
    }

    [Theory]
    [InlineData("""{"ids":["00000000-0000-0000-0000-000000000001"],"receipts":[]}""")]
    [InlineData("""{"ids":["00000000-0000-0000-0000-000000000001"],"receipts":[null,null]}""")]
    public async Task Receipts_must_pair_with_the_ids(string body)
    {
        await ProblemAssert.IsAsync(await _node.SendAsync(HttpMethod.Delete, "/q/batch", body), HttpStatusCode.BadRequest, "Invalid request", "receipts");
    }
}
