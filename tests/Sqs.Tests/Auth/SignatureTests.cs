using System.Net;
using Amazon.SQS;
using Amazon.SQS.Model;

namespace Spartan.Sqs.Tests.Auth;

/// <summary>SigV4 on the SQS door (SPEC §11): with access keys, every request is signed with a key's id and secret, and
/// checked; a key sees only its queues.</summary>
public sealed class SignatureTests
{
    private const string Toml = """
        queues = ["q", "other"]
        [[access_keys]]
        key = "all-secret-0001"
        id = "AKIDALL"
        queues = ["*"]
        [[access_keys]]
        key = "q-secret-0001"
        id = "AKIDQ"
        queues = ["q"]
        [[access_keys]]
        key = "native-only-0001"
        queues = ["*"]
        """;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_request_signed_with_a_keys_id_and_secret_is_served()
    {
        await using var node = await SqsNode.StartAsync(Toml);
        var sqs = node.Client("AKIDQ", "q-secret-0001");

        await sqs.SendMessageAsync(SqsNode.QueueUrl("q"), "signed", Ct);
        var received = await sqs.ReceiveMessageAsync(new ReceiveMessageRequest { QueueUrl = SqsNode.QueueUrl("q"), MessageSystemAttributeNames = ["SenderId"] }, Ct);

        Assert.Equal("signed", Assert.Single(received.Messages).Body);
        Assert.Equal("AKIDQ", received.Messages[0].Attributes["SenderId"]);
    }

    [Fact]
    public async Task An_unsigned_request_is_403_MissingAuthenticationToken()
    {
        await using var node = await SqsNode.StartAsync(Toml);

        var error = await Assert.ThrowsAsync<AmazonSQSException>(() => node.Client().GetQueueUrlAsync("q", Ct));

        Assert.Equal(HttpStatusCode.Forbidden, error.StatusCode);
        Assert.Equal("MissingAuthenticationToken", error.ErrorCode);
    }

    [Fact]
    public async Task An_unknown_key_id_is_403_InvalidClientTokenId()
    {
        await using var node = await SqsNode.StartAsync(Toml);

        var error = await Assert.ThrowsAsync<AmazonSQSException>(() => node.Client("AKIDNOBODY", "q-secret-0001").GetQueueUrlAsync("q", Ct));

        Assert.Equal(HttpStatusCode.Forbidden, error.StatusCode);
        Assert.Equal("InvalidClientTokenId", error.ErrorCode);
    }

    [Fact]
    public async Task A_wrong_secret_is_403_SignatureDoesNotMatch_and_nothing_is_sent()
    {
        await using var node = await SqsNode.StartAsync(Toml);

        var error = await Assert.ThrowsAsync<AmazonSQSException>(() => node.Client("AKIDQ", "q-secret-0002").SendMessageAsync(SqsNode.QueueUrl("q"), "x", Ct));

        Assert.Equal(HttpStatusCode.Forbidden, error.StatusCode);
        Assert.Equal("SignatureDoesNotMatch", error.ErrorCode);
        Assert.Equal(0, (await node.Node.Broker.CountAsync("q")).Size);
    }

    [Fact]
    public async Task A_key_without_an_id_cannot_sign()
    {
        await using var node = await SqsNode.StartAsync(Toml);

        // Its secret is a valid native key, but it has no id, so no SQS client can name it.
        var error = await Assert.ThrowsAsync<AmazonSQSException>(() => node.Client("native", "native-only-0001").ListQueuesAsync("", Ct));

        Assert.Equal("InvalidClientTokenId", error.ErrorCode);
    }

    [Theory]
    [InlineData(16)]
    [InlineData(-16)]
    public async Task A_signature_dated_more_than_15_minutes_from_the_nodes_clock_is_refused(int nodeAheadMinutes)
    {
        // The SDK signs with the real clock; the node's clock is set that far ahead of it (or behind).
        await using var node = await SqsNode.StartAsync(Toml, TimeSpan.FromMinutes(nodeAheadMinutes));

        var error = await Assert.ThrowsAsync<AmazonSQSException>(() => node.Client("AKIDALL", "all-secret-0001").GetQueueUrlAsync("q", Ct));

        Assert.Equal(HttpStatusCode.Forbidden, error.StatusCode);
        Assert.Equal("SignatureDoesNotMatch", error.ErrorCode);
        Assert.Contains("expired", error.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task A_signature_14_minutes_old_is_accepted()
    {
        await using var node = await SqsNode.StartAsync(Toml, TimeSpan.FromMinutes(14));

        var url = await node.Client("AKIDALL", "all-secret-0001").GetQueueUrlAsync("q", Ct);

        Assert.Equal(SqsNode.QueueUrl("q"), url.QueueUrl);
    }

    [Fact]
    public async Task A_queue_the_key_does_not_cover_does_not_exist_for_it()
    {
        await using var node = await SqsNode.StartAsync(Toml);
        var sqs = node.Client("AKIDQ", "q-secret-0001");

        var byName = await Assert.ThrowsAsync<QueueDoesNotExistException>(() => sqs.GetQueueUrlAsync("other", Ct));
        var byUrl = await Assert.ThrowsAsync<QueueDoesNotExistException>(() => sqs.SendMessageAsync(SqsNode.QueueUrl("other"), "x", Ct));
        var missing = await Assert.ThrowsAsync<QueueDoesNotExistException>(() => sqs.GetQueueUrlAsync("nothing", Ct));

        // The same answer for a queue that exists and one that does not: a key cannot probe names.
        Assert.Equal(missing.ErrorCode, byName.ErrorCode);
        Assert.Equal(missing.Message, byName.Message);
        Assert.Equal("AWS.SimpleQueueService.NonExistentQueue", byUrl.ErrorCode);
        Assert.Equal(["http://127.0.0.1:5680/000000000000/q"], (await sqs.ListQueuesAsync("", Ct)).QueueUrls);
        Assert.Equal(0, (await node.Node.Broker.CountAsync("other")).Size);
    }

    [Fact]
    public async Task Creating_a_queue_needs_a_wildcard_key()
    {
        await using var node = await SqsNode.StartAsync(Toml);

        var error = await Assert.ThrowsAsync<AmazonSQSException>(() => node.Client("AKIDQ", "q-secret-0001").CreateQueueAsync("fresh", Ct));
        var created = await node.Client("AKIDALL", "all-secret-0001").CreateQueueAsync("fresh", Ct);

        Assert.Equal("AccessDenied", error.ErrorCode);
        Assert.Equal(SqsNode.QueueUrl("fresh"), created.QueueUrl);
        // Looking up a queue the key covers by creating it, as SQS clients do at start, is allowed.
        Assert.Equal(SqsNode.QueueUrl("q"), (await node.Client("AKIDQ", "q-secret-0001").CreateQueueAsync("q", Ct)).QueueUrl);
    }

    [Fact]
    public async Task A_signature_for_another_region_is_refused()
    {
        await using var node = await SqsNode.StartAsync(Toml);

        var error = await Assert.ThrowsAsync<AmazonSQSException>(() => node.Client("AKIDALL", "all-secret-0001", region: "eu-west-1").GetQueueUrlAsync("q", Ct));

        Assert.Equal("SignatureDoesNotMatch", error.ErrorCode);
        Assert.Contains("us-east-1", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_keys_any_signature_or_none_is_accepted()
    {
        await using var node = await SqsNode.StartAsync();

        await node.Client().SendMessageAsync(SqsNode.QueueUrl("q"), "anonymous", Ct);
        await node.Client("AKIDANY", "whatever").SendMessageAsync(SqsNode.QueueUrl("q"), "signed", Ct);

        Assert.Equal(2, (await node.Node.Broker.CountAsync("q")).Size);
    }
}
