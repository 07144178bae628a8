using System.Net;

namespace Spartan.Api.Tests.Http;

/// <summary>Access keys (SPEC §3.4, §9): the preprocessor answers before anything else.</summary>
public sealed class AuthTests : IAsyncLifetime
{
    private const string Keys = """
        queues = ["test", "test2", "private"]
        [[access_keys]]
        key = "IHaveAccessToAllQueues"
        queues = ["*"]
        [[access_keys]]
        key = "HelloWorld"
        queues = ["test", "test2"]
        """;

    private TestNode _node = null!;

    public async ValueTask InitializeAsync() => _node = await TestNode.StartAsync(Keys);

    public async ValueTask DisposeAsync() => await _node.DisposeAsync();

    [Fact]
    public async Task A_missing_header_is_400_authorization_header_not_found()
    {
        await ProblemAssert.IsAsync(await _node.SendAsync(HttpMethod.Get, "/test/size"), HttpStatusCode.BadRequest, "Authorization header not found");
    }

    [Theory]
    [InlineData("Basic SGVsbG9Xb3JsZA==")]
    [InlineData("Bearer")]
    [InlineData("Bearer ")]
    [InlineData("BearerHelloWorld")]
    [InlineData("HelloWorld")]
    public async Task A_header_that_is_not_bearer_and_a_key_is_400_incorrect_key_header(string header)
    {
        await ProblemAssert.IsAsync(await _node.SendAsync(HttpMethod.Get, "/test/size", key: header), HttpStatusCode.BadRequest, "Incorrect key header");
    }

    [Fact]
    public async Task An_unknown_key_is_401_access_denied()
    {
        await ProblemAssert.IsAsync(await _node.SendAsync(HttpMethod.Get, "/test/size", key: "Bearer NotAKey"), HttpStatusCode.Unauthorized, "Access denied");
        await ProblemAssert.IsAsync(await _node.SendAsync(HttpMethod.Get, "/test/size", key: "Bearer helloworld"), HttpStatusCode.Unauthorized, "Access denied");
    }

    [Fact]
    public async Task A_key_without_the_queue_is_401_access_denied()
    {
        await ProblemAssert.IsAsync(await _node.SendAsync(HttpMethod.Post, "/private", """{"body":"x"}""", "Bearer HelloWorld"),
            HttpStatusCode.Unauthorized, "Access denied");
    }

    [Fact]
    public async Task A_key_with_the_queue_and_a_wildcard_key_are_granted_with_any_case_scheme()
    {
        Assert.Equal(HttpStatusCode.OK, (await _node.SendAsync(HttpMethod.Post, "/test2", """{"body":"x"}""", "Bearer HelloWorld")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await _node.SendAsync(HttpMethod.Get, "/test2", key: "bearer HelloWorld")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await _node.SendAsync(HttpMethod.Post, "/private", """{"body":"x"}""", "BEARER IHaveAccessToAllQueues")).StatusCode);
    }

    [Fact]
    public async Task Auth_is_checked_before_the_queue_exists_so_names_cannot_be_probed()
    {
        await ProblemAssert.IsAsync(await _node.SendAsync(HttpMethod.Get, "/nope"), HttpStatusCode.BadRequest, "Authorization header not found");
        await ProblemAssert.IsAsync(await _node.SendAsync(HttpMethod.Get, "/nope", key: "Bearer HelloWorld"), HttpStatusCode.Unauthorized, "Access denied");
        await ProblemAssert.IsAsync(await _node.SendAsync(HttpMethod.Get, "/nope", key: "Bearer IHaveAccessToAllQueues"), HttpStatusCode.NotFound, "Queue not found");
    }

    [Fact]
    public async Task Auth_is_checked_before_the_body_is_judged()
    {
        await ProblemAssert.IsAsync(await _node.SendAsync(HttpMethod.Post, "/test", "{broken"), HttpStatusCode.BadRequest, "Authorization header not found");
        await ProblemAssert.IsAsync(await _node.SendAsync(HttpMethod.Post, "/private", "{broken", "Bearer HelloWorld"), HttpStatusCode.Unauthorized, "Access denied");
    }

    [Fact]
    public async Task Health_never_needs_a_key()
    {
        Assert.Equal(HttpStatusCode.OK, (await _node.SendAsync(HttpMethod.Get, "/_/health")).StatusCode);
    }
}
