using System.Net;
using Amazon.Runtime;
using Amazon.SQS;
using Amazon.SQS.Model;

namespace Spartan.Sqs.Tests;

/// <summary>The SQS door over real Kestrel sockets: queue URLs a client can reach, and refusals that cost no body.</summary>
public sealed class KestrelTests
{
    private const string Keys = """
        queues = ["q"]
        [[access_keys]]
        key = "q-secret-0001"
        id = "AKIDQ"
        queues = ["q"]
        """;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static AmazonSQSClient Client(TestNode node, AWSCredentials? credentials = null) =>
        new(credentials ?? new AnonymousAWSCredentials(), new AmazonSQSConfig
        {
            ServiceURL = node.Address.ToString().TrimEnd('/'),
            AuthenticationRegion = "us-east-1",
            MaxErrorRetry = 0,
        });

    [Fact]
    public async Task Queue_urls_name_the_host_the_client_used_and_work_as_they_are()
    {
        await using var node = await TestNode.StartAsync("queues = [\"q\"]\n", realHttp: true);
        using var sqs = Client(node, new BasicAWSCredentials("AKIDANY", "any"));

        var url = (await sqs.GetQueueUrlAsync("q", Ct)).QueueUrl;
        await sqs.SendMessageAsync(url, "over a socket", Ct);
        var received = await sqs.ReceiveMessageAsync(url, Ct);
        await sqs.DeleteMessageAsync(url, received.Messages[0].ReceiptHandle, Ct);

        Assert.Equal($"http://{node.Address.Authority}/000000000000/q", url);
        Assert.Equal("over a socket", received.Messages[0].Body);
        Assert.Equal(0, (await node.Broker.CountAsync("q")).Size);
    }

    [Fact]
    public async Task Public_url_and_account_id_make_the_queue_urls()
    {
        await using var node = await TestNode.StartAsync("""
            queues = ["q"]
            [sqs]
            public_url = "https://queues.example.com/"
            account_id = "123456789012"
            region = "eu-west-1"
            """, realHttp: true);
        using var sqs = Client(node);

        var url = (await sqs.GetQueueUrlAsync("q", Ct)).QueueUrl;
        var attributes = await sqs.GetQueueAttributesAsync(new GetQueueAttributesRequest { QueueUrl = url, AttributeNames = ["QueueArn"] }, Ct);

        Assert.Equal("https://queues.example.com/123456789012/q", url);
        Assert.Equal("arn:aws:sqs:eu-west-1:123456789012:q", attributes.Attributes["QueueArn"]);
    }

    [Fact]
    public async Task An_unsigned_upload_is_refused_from_its_headers_and_its_body_is_not_read()
    {
        await using var node = await TestNode.StartAsync(Keys, realHttp: true);
        await using var connection = await RawConnection.OpenAsync(node.Address, Ct);

        await connection.WriteAsync(RawHttp.Utf8(
            "POST / HTTP/1.1\r\nHost: t\r\nContent-Type: application/x-amz-json-1.0\r\nX-Amz-Target: AmazonSQS.SendMessage\r\n" +
            "Content-Length: 50000000\r\n\r\n"), Ct);
        var response = await connection.ReadResponseAsync(Ct);

        Assert.NotNull(response);
        Assert.Equal(403, response.Status);
        Assert.Equal("MissingAuthenticationToken;Sender", response.Header("x-amzn-query-error"));
        Assert.Equal("close", response.Header("Connection"));
    }

    [Fact]
    public async Task A_body_over_the_limit_is_413_before_it_is_read()
    {
        await using var node = await TestNode.StartAsync("queues = [\"q\"]\nbody_size = 1024\n", realHttp: true);

        var response = await RawHttp.SendAsync(node.Address,
            "POST / HTTP/1.1\r\nHost: t\r\nContent-Type: application/x-amz-json-1.0\r\nX-Amz-Target: AmazonSQS.SendMessage\r\n" +
            "Content-Length: 100000000\r\n", null, Ct);

        Assert.Equal(413, response.Status);
        Assert.StartsWith("RequestEntityTooLarge;", response.Header("x-amzn-query-error"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_native_api_is_unchanged_beside_the_door_and_sqs_can_be_turned_off()
    {
        await using var node = await TestNode.StartAsync("queues = [\"q\"]\n[sqs]\nenabled = false\n", realHttp: true);
        using var sqs = Client(node);

        var error = await Assert.ThrowsAnyAsync<AmazonServiceException>(() => sqs.GetQueueUrlAsync("q", Ct));
        var native = await node.SendAsync(HttpMethod.Get, "/q/size");

        Assert.NotEqual(HttpStatusCode.OK, error.StatusCode);
        Assert.Equal(HttpStatusCode.OK, native.StatusCode);
    }

    [Fact]
    public async Task Sqs_requests_are_counted_by_action_in_the_metrics()
    {
        await using var node = await TestNode.StartAsync("queues = [\"q\"]\n", realHttp: true);
        using var sqs = Client(node);

        await sqs.SendMessageAsync(SqsNode.QueueUrl("q"), "x", Ct);
        var metrics = await (await node.SendAsync(HttpMethod.Get, "/_/metrics")).Content.ReadAsStringAsync(Ct);

        Assert.Contains("spartan_http_requests_total{route=\"sqs:SendMessage\",status=\"200\"} 1", metrics, StringComparison.Ordinal);
    }
}
