using System.Net;
using System.Text;
using System.Text.Json;
using static Spartan.Sqs.Tests.Queues.QueueKit;

namespace Spartan.Sqs.Tests.Queues;

/// <summary>What reaches the SQS door other than a well-formed AWS JSON 1.0 request (SPEC §11): the query protocol and
/// unknown actions are <c>InvalidAction</c>, and a body that is not JSON is a client error, never a 500.</summary>
public sealed class QueryProtocolTests
{
    private static HttpRequestMessage Json(string path, string target, string body) => new(HttpMethod.Post, path)
    {
        Headers = { { "X-Amz-Target", target } },
        Content = new StringContent(body, Encoding.UTF8, "application/x-amz-json-1.0"),
    };

    private static async Task<JsonElement> AssertErrorAsync(HttpResponseMessage response, string code)
    {
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.StartsWith(code + ";", Assert.Single(response.Headers.GetValues("x-amzn-query-error")), StringComparison.Ordinal);
        Assert.Equal("application/x-amz-json-1.0", response.Content.Headers.ContentType?.MediaType);
        var body = await TestNode.ReadAsync(response);
        Assert.Equal("com.amazonaws.sqs#" + code, body.GetProperty("__type").GetString());
        Assert.False(string.IsNullOrEmpty(body.GetProperty("message").GetString()));
        return body;
    }

    [Fact]
    public async Task A_query_protocol_form_post_is_InvalidAction()
    {
        await using var node = await SqsNode.StartAsync();
        using var form = new FormUrlEncodedContent([new("Action", "ListQueues"), new("Version", "2012-11-05")]);

        using var response = await node.Node.Client.PostAsync("/", form, Ct);

        await AssertErrorAsync(response, "InvalidAction");
    }

    [Fact]
    public async Task A_query_protocol_get_is_InvalidAction()
    {
        await using var node = await SqsNode.StartAsync();

        using var response = await node.Node.Client.GetAsync("/?Action=ListQueues&Version=2012-11-05", Ct);

        await AssertErrorAsync(response, "InvalidAction");
    }

    [Theory]
    [InlineData("AmazonSQS.NoSuchAction")]
    [InlineData("AmazonSQS.")]
    [InlineData("AmazonSNS.ListQueues")]
    [InlineData("AmazonSQS.listqueues")]
    public async Task An_unknown_target_is_InvalidAction(string target)
    {
        await using var node = await SqsNode.StartAsync();
        using var request = Json("/", target, "{}");

        using var response = await node.Node.Client.SendAsync(request, Ct);

        await AssertErrorAsync(response, "InvalidAction");
    }

    [Theory]
    [InlineData("{\"QueueName\":")]
    [InlineData("not json at all")]
    [InlineData("{\"QueueName\":42}")]
    [InlineData("[]")]
    public async Task A_body_that_is_not_the_action_s_json_is_a_400_with_a_json_error(string body)
    {
        await using var node = await SqsNode.StartAsync();
        using var request = Json("/", "AmazonSQS.GetQueueUrl", body);

        using var response = await node.Node.Client.SendAsync(request, Ct);

        await AssertErrorAsync(response, "SerializationException");
    }

    [Fact]
    public async Task A_json_request_posted_to_the_queue_url_itself_is_served()
    {
        // aws-sdk-js v3 posts to the queue URL rather than to "/".
        await using var node = await SqsNode.StartAsync();
        using var request = Json("/000000000000/q", "AmazonSQS.GetQueueUrl", """{"QueueName":"q"}""");

        using var response = await node.Node.Client.SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.EndsWith("/000000000000/q", (await TestNode.ReadAsync(response)).GetProperty("QueueUrl").GetString(), StringComparison.Ordinal);
    }
}
