using Amazon.SQS.Model;

namespace Spartan.Sqs.Tests;

/// <summary>SendMessage, ReceiveMessage, DeleteMessage through the AWS SDK (SPEC §11).</summary>
public sealed class SendReceiveTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_unicode_message_with_typed_attributes_goes_round_trip_and_the_sdk_checks_every_digest()
    {
        await using var node = await SqsNode.StartAsync();
        var sqs = node.Client();
        var url = (await sqs.GetQueueUrlAsync("q", Ct)).QueueUrl;
        Assert.Equal(SqsNode.QueueUrl("q"), url);

        var sent = await sqs.SendMessageAsync(new SendMessageRequest
        {
            QueueUrl = url,
            MessageBody = "héllo wörld ✓ 𝄞",
            MessageAttributes = new Dictionary<string, MessageAttributeValue>
            {
                ["kind"] = new() { DataType = "String", StringValue = "greeting" },
                ["count"] = new() { DataType = "Number", StringValue = "42" },
                ["blob"] = new() { DataType = "Binary", BinaryValue = new MemoryStream([0, 1, 2, 255]) },
                ["unit"] = new() { DataType = "Number.float", StringValue = "1.5" },
            },
        }, Ct);
        Assert.True(Guid.TryParse(sent.MessageId, out _));

        var received = await sqs.ReceiveMessageAsync(new ReceiveMessageRequest
        {
            QueueUrl = url,
            MessageAttributeNames = ["All"],
            MessageSystemAttributeNames = ["All"],
        }, Ct);

        var message = Assert.Single(received.Messages);
        Assert.Equal(sent.MessageId, message.MessageId);
        Assert.Equal("héllo wörld ✓ 𝄞", message.Body);
        Assert.Equal(["blob", "count", "kind", "unit"], message.MessageAttributes.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("Binary", message.MessageAttributes["blob"].DataType);
        Assert.Equal([0, 1, 2, 255], message.MessageAttributes["blob"].BinaryValue.ToArray());
        Assert.Equal("Number.float", message.MessageAttributes["unit"].DataType);
        Assert.Equal("1", message.Attributes["ApproximateReceiveCount"]);
        Assert.Equal(node.Node.Clock.GetUtcNow().ToUnixTimeMilliseconds().ToString(System.Globalization.CultureInfo.InvariantCulture),
            message.Attributes["SentTimestamp"]);

        await sqs.DeleteMessageAsync(url, message.ReceiptHandle, Ct);
        Assert.Equal(0, (await node.Node.Broker.CountAsync("q")).Size);
    }
}
