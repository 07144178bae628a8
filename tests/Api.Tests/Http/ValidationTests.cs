using System.Net.Http.Json;
using System.Net;
using System.Text;

namespace Spartan.Api.Tests.Http;

/// <summary>SPEC §3.1 ranges and §3.4 400/413 rules and their order.</summary>
public sealed class ValidationTests : IAsyncLifetime
{
    private const string SmallBodies = """
        queues = ["q"]
        body_size = 64
        """;

    private TestNode _node = null!;

    public async ValueTask InitializeAsync() => _node = await TestNode.StartAsync(SmallBodies);

    public async ValueTask DisposeAsync() => await _node.DisposeAsync();

    [Theory]
    [InlineData("{bad json", null)]
    [InlineData("", null)]
    [InlineData("null", null)]
    [InlineData("[1,2]", null)]
    [InlineData("""{"priority":1}""", "body")]
    [InlineData("""{"body":null}""", "body")]
    [InlineData("""{"body":42}""", "body")]
    [InlineData("""{"body":"x","offset":86400}""", "offset")]
    [InlineData("""{"body":"x","offset":-86400}""", "offset")]
    [InlineData("""{"body":"x","offset":1.5}""", "offset")]
    [InlineData("""{"body":"x","max_tries":-1}""", "max_tries")]
    [InlineData("""{"body":"x","max_tries":4294967296}""", "max_tries")]
    [InlineData("""{"body":"x","timeout":"30"}""", "timeout")]
    [InlineData("""{"body":"x","delay":-5}""", "delay")]
    [InlineData("""{"body":"x","priority":256}""", "priority")]
    [InlineData("""{"body":"x","priority":-1}""", "priority")]
    [InlineData("""{"body":"x","colour":"red"}""", "colour")]
    [InlineData("""{"body":"x","attributes":{"spartan.dead_letter_reason":"x"}}""", "spartan.")]
    [InlineData("""{"body":"x","attributes":{"k":1}}""", "attributes")]
    [InlineData("""{"body":"x","attributes":{"k":null}}""", "attributes")]
    [InlineData("""{"body":"x","body":"y"}""", "body")]
    [InlineData("""{"body":"half a surrogate pair: \ud800"}""", "body")]
    public async Task A_malformed_or_out_of_range_push_is_400_naming_the_field(string json, string? field)
    {
        var response = await _node.SendAsync(HttpMethod.Post, "/q", json);
        await ProblemAssert.IsAsync(response, HttpStatusCode.BadRequest, "Invalid request", field);
        await AssertEmptyAsync();
    }

    [Fact]
    public async Task A_unicode_body_comes_back_exactly_as_pushed()
    {
        // Held as UTF-8 (ADR 0009): escapes, multi-byte characters and a surrogate pair must survive the round trip.
        const string json = """{"body":"h\u00e9llo \ud83c\udf0d \"q\" \\ \n 日本"}""";
        Assert.Equal(HttpStatusCode.OK, (await _node.SendAsync(HttpMethod.Post, "/q", json)).StatusCode);
        var popped = await _node.Client.GetFromJsonAsync<System.Text.Json.JsonElement>("/q", TestContext.Current.CancellationToken);
        Assert.Equal("héllo 🌍 \"q\" \\ \n 日本", popped.GetProperty("body").GetString());
    }

    [Fact]
    public async Task More_than_sixteen_attributes_is_400()
    {
        var attributes = string.Join(',', Enumerable.Range(0, 17).Select(i => $"\"{i}\":\"v\""));
        await ProblemAssert.IsAsync(await _node.SendAsync(HttpMethod.Post, "/q", "{\"body\":\"\",\"attributes\":{" + attributes + "}}"),
            HttpStatusCode.BadRequest, "Invalid request", "attributes");
    }

    [Theory]
    [InlineData("""{"body":"x","offset":86399,"max_tries":4294967295,"timeout":0,"delay":0,"priority":255}""")]
    [InlineData("""{"body":"x","offset":-86399,"priority":0}""")]
    [InlineData("""{"body":"x","offset":null,"max_tries":null,"timeout":null,"delay":null,"priority":null,"attributes":null}""")]
    public async Task Edge_values_and_nulls_are_accepted(string json)
    {
        var response = await _node.SendAsync(HttpMethod.Post, "/q", json);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task A_body_is_read_as_json_whatever_the_content_type()
    {
        using var form = new StringContent("""{"body":"from curl -d"}""", Encoding.UTF8, "application/x-www-form-urlencoded");
        var response = await _node.Client.PostAsync("/q", form, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task A_body_over_body_size_is_413_and_attributes_count_toward_it()
    {
        var exact = new string('é', 32); // 64 UTF-8 bytes
        Assert.Equal(HttpStatusCode.OK, (await _node.SendAsync(HttpMethod.Post, "/q", $$"""{"body":"{{exact}}"}""")).StatusCode);
        await ProblemAssert.IsAsync(await _node.SendAsync(HttpMethod.Post, "/q", $$"""{"body":"{{exact}}x"}"""),
            HttpStatusCode.RequestEntityTooLarge, "Message too large");
        await ProblemAssert.IsAsync(await _node.SendAsync(HttpMethod.Post, "/q", """{"body":"0123456789012345678901234567890123456789","attributes":{"key":"0123456789012345678901"}}"""),
            HttpStatusCode.RequestEntityTooLarge, "Message too large");
    }

    [Fact]
    public async Task A_request_over_the_byte_limit_is_413_even_when_malformed_and_under_it_400()
    {
        var limit = 6 * 64 + 64 * 1024;
        var over = "{" + new string(' ', limit) + "garbage";
        await ProblemAssert.IsAsync(await _node.SendAsync(HttpMethod.Post, "/q", over), HttpStatusCode.RequestEntityTooLarge, "Message too large");
        var under = "{" + new string(' ', limit - 100) + "garbage";
        await ProblemAssert.IsAsync(await _node.SendAsync(HttpMethod.Post, "/q", under), HttpStatusCode.BadRequest, "Invalid request");
    }

    [Theory]
    [InlineData("\"priority\":999")]
    [InlineData("\"max_tries\":-1")]
    [InlineData("\"offset\":99999999999")]
    public async Task A_too_large_body_with_an_invalid_field_is_413_first(string field)
    {
        var big = new string('x', 65);
        await ProblemAssert.IsAsync(await _node.SendAsync(HttpMethod.Post, "/q", $$"""{"body":"{{big}}",{{field}}}"""),
            HttpStatusCode.RequestEntityTooLarge, "Message too large");
    }

    [Fact]
    public async Task An_undeclared_queue_is_404_before_the_body_is_judged()
    {
        await ProblemAssert.IsAsync(await _node.SendAsync(HttpMethod.Post, "/missing", "{bad"), HttpStatusCode.NotFound, "Queue not found");
        var huge = new string('x', 200_000);
        await ProblemAssert.IsAsync(await _node.SendAsync(HttpMethod.Post, "/missing", huge), HttpStatusCode.NotFound, "Queue not found");
    }

    [Theory]
    [InlineData("""{"id":"not-a-uuid"}""")]
    [InlineData("""{"id":42}""")]
    [InlineData("""{"id":"{00000000-0000-0000-0000-000000000000}"}""")]
    [InlineData("""{"id":"00000000000000000000000000000000"}""")]
    [InlineData("""{}""")]
    [InlineData("""{"id":"00000000-0000-0000-0000-000000000000","extra":1}""")]
    [InlineData("""{"id":"00000000-0000-0000-0000-000000000000","message_id":"00000000-0000-0000-0000-000000000000"}""")]
    [InlineData("""{"id":"00000000-0000-0000-0000-000000000000","parsed_receipt":null}""")]
    public async Task Delete_and_requeue_need_a_uuid_id_and_nothing_else(string json)
    {
        await ProblemAssert.IsAsync(await _node.SendAsync(HttpMethod.Delete, "/q", json), HttpStatusCode.BadRequest, "Invalid request");
        await ProblemAssert.IsAsync(await _node.SendAsync(HttpMethod.Post, "/q/requeue", json), HttpStatusCode.BadRequest, "Invalid request");
    }

    private async Task AssertEmptyAsync() =>
        Assert.Equal(0, (await TestNode.ReadAsync(await _node.SendAsync(HttpMethod.Get, "/q/size"))).GetProperty("size").GetInt32());
}
