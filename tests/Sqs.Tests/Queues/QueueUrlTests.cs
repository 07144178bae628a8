using Amazon.SQS.Model;
using static Spartan.Sqs.Tests.Queues.QueueKit;

namespace Spartan.Sqs.Tests.Queues;

/// <summary>GetQueueUrl (SPEC §11): the same queues as the native API, declared or made at runtime.</summary>
public sealed class QueueUrlTests
{
    [Fact]
    public async Task A_declared_queue_has_its_url_under_the_account()
    {
        await using var node = await SqsNode.StartAsync();

        var url = (await node.Client().GetQueueUrlAsync("q-dead", Ct)).QueueUrl;

        Assert.Equal("http://127.0.0.1:5680/000000000000/q-dead", url);
    }

    [Fact]
    public async Task A_queue_created_through_the_native_api_is_found_at_once()
    {
        await using var node = await SqsNode.StartAsync();
        await NativeCreateAsync(node, "made-natively");

        var url = (await node.Client().GetQueueUrlAsync("made-natively", Ct)).QueueUrl;

        Assert.Equal(SqsNode.QueueUrl("made-natively"), url);
    }

    [Fact]
    public async Task A_missing_queue_is_QueueDoesNotExist_with_the_query_code_the_sdks_read()
    {
        await using var node = await SqsNode.StartAsync();
        var sqs = node.Client();

        var error = await ErrorAsync<QueueDoesNotExistException>("AWS.SimpleQueueService.NonExistentQueue",
            () => sqs.GetQueueUrlAsync("no-such-queue", Ct));

        Assert.Equal(Amazon.Runtime.ErrorType.Sender, error.ErrorType);
    }

    [Fact]
    public async Task A_queue_deleted_natively_is_no_longer_found()
    {
        await using var node = await SqsNode.StartAsync();
        await NativeCreateAsync(node, "short-lived");
        var sqs = node.Client();
        Assert.Equal(SqsNode.QueueUrl("short-lived"), (await sqs.GetQueueUrlAsync("short-lived", Ct)).QueueUrl);

        using (var deleted = await node.Node.SendAsync(HttpMethod.Delete, "/_/queues/short-lived"))
            Assert.Equal(System.Net.HttpStatusCode.OK, deleted.StatusCode);

        await ErrorAsync<QueueDoesNotExistException>("AWS.SimpleQueueService.NonExistentQueue",
            () => sqs.GetQueueUrlAsync("short-lived", Ct));
    }

    [Theory]
    [InlineData("https://sqs.us-east-1.amazonaws.com/000000000000/made-natively")]
    [InlineData("http://127.0.0.1:5680/000000000000/made-natively/")]
    [InlineData("http://proxy.internal/some/prefix/made-natively?ignored=1")]
    public async Task A_queue_url_is_resolved_by_its_last_path_segment_whatever_its_host(string url)
    {
        await using var node = await SqsNode.StartAsync();
        await NativeCreateAsync(node, "made-natively");

        var read = (await node.Client().GetQueueAttributesAsync(url, ["QueueArn"], Ct)).Attributes;

        Assert.Equal(Arn + "made-natively", read["QueueArn"]);
    }

    [Fact]
    public async Task Public_url_account_and_region_shape_urls_arns_and_the_redrive_policies_accepted()
    {
        await using var node = await SqsNode.StartAsync("""
            queues = ["q", "q-dead"]
            [sqs]
            public_url = "https://sqs.example.com"
            account_id = "123456789012"
            region = "eu-west-1"
            """);
        var sqs = node.Client();

        Assert.Equal("https://sqs.example.com/123456789012/q", (await sqs.GetQueueUrlAsync("q", Ct)).QueueUrl);
        var arn = (await sqs.GetQueueAttributesAsync("https://sqs.example.com/123456789012/q-dead", ["QueueArn"], Ct)).Attributes["QueueArn"];
        Assert.Equal("arn:aws:sqs:eu-west-1:123456789012:q-dead", arn);

        var policy = $"{{\"deadLetterTargetArn\":\"{arn}\",\"maxReceiveCount\":2}}";
        await sqs.CreateQueueAsync(new CreateQueueRequest { QueueName = "orders", Attributes = new() { ["RedrivePolicy"] = policy } }, Ct);
        // The default account's ARN names no queue of this node.
        await GenericErrorAsync("InvalidParameterValue", () => sqs.CreateQueueAsync(new CreateQueueRequest
        {
            QueueName = "other",
            Attributes = new() { ["RedrivePolicy"] = Redrive("q-dead", 2) },
        }, Ct));
    }
}
