using System.Text;
using Spartan.Tests.Shared;

namespace Spartan.Api.Tests.Http;

/// <summary>SPEC §3.4's order between size and validity, in hand-written HTTP/1.1: a well-formed request in which a
/// message's decoded body (plus attributes) exceeds body_size is 413 whatever else is wrong with it; only JSON that
/// cannot be read at all is 400, because then its size cannot be judged.</summary>
public sealed class CheckOrderTests : IAsyncLifetime
{
    private const string Toml = """
        queues = ["q"]
        body_size = 64
        [[access_keys]]
        key = "root"
        queues = ["*"]
        """;

    private static readonly string Big = new('x', 65);

    private TestNode _node = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _node = await TestNode.StartAsync(Toml, realHttp: true);

    public async ValueTask DisposeAsync() => await _node.DisposeAsync();

    private Task<RawResponse> PostAsync(string path, byte[] body) => RawHttp.SendAsync(_node.Address,
        $"POST {path} HTTP/1.1\r\nHost: t\r\nAuthorization: Bearer root\r\nContent-Length: {body.Length}\r\n", body, Ct);

    private Task<RawResponse> PostAsync(string path, string json) => PostAsync(path, Encoding.UTF8.GetBytes(json.Replace("BIG", Big, StringComparison.Ordinal)));

    [Theory]
    [InlineData("""{"body":"BIG","colour":"red"}""")]
    [InlineData("""{"colour":"red","body":"BIG"}""")]
    [InlineData("""{"body":"BIG","body":"x"}""")]
    [InlineData("""{"body":"x","body":"BIG"}""")]
    [InlineData("""{"body":"BIG","priority":"high"}""")]
    [InlineData("""{"priority":"high","body":"BIG"}""")]
    [InlineData("""{"body":"BIG","offset":1.5}""")]
    [InlineData("""{"body":"BIG","attributes":{"k":1}}""")]
    [InlineData("""{"body":"x","attributes":{"k":"BIG"},"colour":1}""")]
    [InlineData("""{"body":"x","attributes":{"BIG":"v","n":null}}""")]
    [InlineData("""{"body":"BIG","attributes":[1,2]}""")]
    public async Task A_well_formed_push_with_a_message_over_body_size_is_413_even_when_also_invalid(string json)
    {
        ProblemAssert.Is(await PostAsync("/q", json), 413, "Message too large");
        await AssertEmptyAsync();
    }

    [Fact]
    public async Task Size_is_the_decoded_body_not_its_escaped_form()
    {
        // 33 × "é" escaped is 198 bytes of JSON but 66 decoded bytes: too large. 60 × "A" escaped is 360 bytes of JSON
        // but 60 decoded bytes: only the unknown field is wrong.
        var accents = string.Concat(Enumerable.Repeat("\\u00e9", 33));
        ProblemAssert.Is(await PostAsync("/q", $$"""{"body":"{{accents}}","x":1}"""), 413, "Message too large");
        var letters = string.Concat(Enumerable.Repeat("\\u0041", 60));
        ProblemAssert.Is(await PostAsync("/q", $$"""{"body":"{{letters}}","x":1}"""), 400, "Invalid request", "'x'");
    }

    [Theory]
    [InlineData("""{"body":"BIG","colour":"red" """)]
    [InlineData("""{"body":"BIG","colour":"red"} trailing""")]
    [InlineData("""{"body":"BIG"}{"body":"x"}""")]
    [InlineData("""{"body":"\ud800BIG","colour":1}""")]
    [InlineData("""{"body":"BIG","a":[[[[[[[[[[1]]]]]]]]]]}""")]
    [InlineData("""{"body":"BIG",}""")]
    public async Task A_push_whose_json_cannot_be_read_is_400_whatever_its_size(string json)
    {
        ProblemAssert.Is(await PostAsync("/q", json), 400, "Invalid request");
        await AssertEmptyAsync();
    }

    [Fact]
    public async Task A_body_that_is_not_utf8_is_400_whatever_its_size()
    {
        var body = new List<byte>("{\"body\":\""u8.ToArray());
        body.AddRange(Enumerable.Repeat((byte)0xFF, 100));
        body.AddRange("\",\"colour\":1}"u8.ToArray());
        ProblemAssert.Is(await PostAsync("/q", body.ToArray()), 400, "Invalid request");
        await AssertEmptyAsync();
    }

    [Theory]
    [InlineData("""{"messages":[{"body":"x"},{"body":"BIG","colour":1}]}""")]
    [InlineData("""{"messages":[{"body":"x","colour":1},{"body":"BIG"}]}""")]
    [InlineData("""{"extra":true,"messages":[{"body":"BIG"}]}""")]
    [InlineData("""{"messages":[{"body":"x"},7,{"body":"BIG","priority":"high"}]}""")]
    public async Task A_batch_with_one_message_over_body_size_is_413_and_pushes_nothing(string json)
    {
        ProblemAssert.Is(await PostAsync("/q/batch", json), 413, "Message too large");
        await AssertEmptyAsync();
    }

    [Theory]
    [InlineData("""{"messages":[{"body":"x","colour":1}]}""", "colour")]
    [InlineData("""{"messages":[{"body":"x"}],"extra":true}""", "extra")]
    [InlineData("""{"messages":[{"body":"x"},{"body":"BIG"}""", null)]
    public async Task A_batch_with_no_message_too_large_or_unreadable_json_is_400(string json, string? field)
    {
        ProblemAssert.Is(await PostAsync("/q/batch", json), 400, "Invalid request", field);
        await AssertEmptyAsync();
    }

    [Theory]
    [InlineData("""{PAD"messages":[{"body":"one"},{"body":"two"}]}""", 200, null)]
    [InlineData("""{PAD"messages":[{"body":"one"}]} {"messages":[]}""", 400, "Invalid request")]
    [InlineData("""{PAD"messages":[{"body":"one"},{"body":"BIG","colour":1}]}""", 413, "Message too large")]
    [InlineData("""{PAD"messages":[{"body":"one"},{"body":"BIG","colour":1}""", 400, "Invalid request")]
    public async Task A_body_long_enough_to_arrive_in_pieces_gets_the_same_answers(string json, int status, string? title)
    {
        var response = await PostAsync("/q/batch", json.Replace("PAD", new string(' ', 60_000), StringComparison.Ordinal));
        if (title is null) Assert.Equal(status, response.Status);
        else ProblemAssert.Is(response, status, title);
        var size = await RawHttp.SendAsync(_node.Address, "GET /q/size HTTP/1.1\r\nHost: t\r\nAuthorization: Bearer root\r\n", null, Ct);
        Assert.Equal(status == 200 ? """{"size":2}""" : """{"size":0}""", size.Text);
    }

    private async Task AssertEmptyAsync()
    {
        var size = await RawHttp.SendAsync(_node.Address, "GET /q/size HTTP/1.1\r\nHost: t\r\nAuthorization: Bearer root\r\n", null, Ct);
        Assert.Equal("""{"size":0}""", size.Text);
    }
}
