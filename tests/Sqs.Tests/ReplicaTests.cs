using System.Net;
using Amazon.SQS;
using Amazon.SQS.Model;

namespace Spartan.Sqs.Tests;

/// <summary>On a replica the SQS door reads and refuses writes with 503 ServiceUnavailable, which the SDKs retry
/// (SPEC §11): a primary that comes back, or a client configured with another node, then gets them.</summary>
public sealed class ReplicaTests
{
    private const string Toml = """
        queues = ["q"]
        [replication]
        mode = "replica"
        [replication.replica]
        host = "127.0.0.1:1"
        """;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_write_is_503_ServiceUnavailable_and_the_sdk_retries_it()
    {
        await using var node = await SqsNode.StartAsync(Toml);
        var sqs = node.Client(retries: 2);

        var error = await Assert.ThrowsAsync<AmazonSQSException>(() => sqs.SendMessageAsync(SqsNode.QueueUrl("q"), "x", Ct));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, error.StatusCode);
        Assert.Equal("ServiceUnavailable", error.ErrorCode);
        Assert.Equal(3, node.Requests); // the first attempt and two retries
        Assert.Equal(0, (await node.Node.Broker.CountAsync("q")).Size);
    }

    [Fact]
    public async Task Receiving_is_a_write_and_reads_are_served()
    {
        await using var node = await SqsNode.StartAsync(Toml);
        var sqs = node.Client();

        var receive = await Assert.ThrowsAsync<AmazonSQSException>(() => sqs.ReceiveMessageAsync(SqsNode.QueueUrl("q"), Ct));
        var url = await sqs.GetQueueUrlAsync("q", Ct);
        var attributes = await sqs.GetQueueAttributesAsync(new GetQueueAttributesRequest { QueueUrl = url.QueueUrl, AttributeNames = ["All"] }, Ct);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, receive.StatusCode);
        Assert.Equal("0", attributes.Attributes["ApproximateNumberOfMessages"]);
    }
}
