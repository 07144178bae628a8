using Amazon.SQS.Model;
using static Spartan.Sqs.Tests.Messages.Steps;

namespace Spartan.Sqs.Tests.Messages;

/// <summary>Message system attributes (SPEC §11), asked for by <c>MessageSystemAttributeNames</c> or by the legacy
/// <c>AttributeNames</c> that older SDKs and scripts still send; the instants are the fake clock's.</summary>
public sealed class SystemAttributeTests
{
    private static ReceiveMessageRequest Asking(bool legacy, params List<string> names)
    {
        var request = new ReceiveMessageRequest { QueueUrl = Q, WaitTimeSeconds = 0, VisibilityTimeout = 5 };
#pragma warning disable CS0618 // the legacy member is exactly what is under test
        if (legacy) request.AttributeNames = names;
#pragma warning restore CS0618
        else request.MessageSystemAttributeNames = names;
        return request;
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Counts_and_instants_follow_each_receive(bool legacy)
    {
        await using var node = await SqsNode.StartAsync();
        var sqs = node.Client();
        await sqs.SendMessageAsync(Q, "x", Ct);
        var sent = node.Millis();

        node.Node.Advance(1.25);
        var first = node.Millis();
        var one = Assert.Single(await sqs.ReceiveAsync(Asking(legacy, "All"))).Attributes;
        Assert.Equal(sent, one["SentTimestamp"]);
        Assert.Equal("1", one["ApproximateReceiveCount"]);
        Assert.Equal(first, one["ApproximateFirstReceiveTimestamp"]);
        Assert.Equal("000000000000", one["SenderId"]);
        Assert.NotEqual(sent, first);

        for (var receive = 2; receive <= 3; receive++)
        {
            node.Node.Advance(6);
            var again = Assert.Single(await sqs.ReceiveAsync(Asking(legacy, "All"))).Attributes;
            Assert.Equal(receive.ToString(System.Globalization.CultureInfo.InvariantCulture), again["ApproximateReceiveCount"]);
            Assert.Equal(first, again["ApproximateFirstReceiveTimestamp"]);
            Assert.Equal(sent, again["SentTimestamp"]);
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Only_the_named_attributes_are_answered(bool legacy)
    {
        await using var node = await SqsNode.StartAsync();
        var sqs = node.Client();
        await sqs.SendMessageAsync(Q, "x", Ct);

        var attributes = Assert.Single(await sqs.ReceiveAsync(Asking(legacy, "ApproximateReceiveCount", "SentTimestamp"))).Attributes;

        Assert.Equal(["ApproximateReceiveCount", "SentTimestamp"], attributes.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Both_lists_together_answer_their_union()
    {
        await using var node = await SqsNode.StartAsync();
        var sqs = node.Client();
        await sqs.SendMessageAsync(Q, "x", Ct);
        var request = Asking(legacy: true, "SenderId");
        request.MessageSystemAttributeNames = ["ApproximateFirstReceiveTimestamp"];

        var attributes = Assert.Single(await sqs.ReceiveAsync(request)).Attributes;

        Assert.Equal(["ApproximateFirstReceiveTimestamp", "SenderId"], attributes.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Nothing_asked_means_no_system_attributes()
    {
        await using var node = await SqsNode.StartAsync();
        var sqs = node.Client();
        await sqs.SendMessageAsync(Q, "x", Ct);

        var message = Assert.Single(await sqs.ReceiveAsync(new ReceiveMessageRequest { QueueUrl = Q }));

        Assert.Empty(message.Attributes ?? []);
    }

    [Fact]
    public async Task A_signed_sender_is_named_by_its_access_key_id()
    {
        await using var node = await SqsNode.StartAsync("""
            queues = ["q"]
            [[access_keys]]
            key = "secret-one"
            id = "AKIDONE"
            queues = ["*"]
            [[access_keys]]
            key = "secret-two"
            id = "AKIDTWO"
            queues = ["q"]
            """);
        await node.Client("AKIDTWO", "secret-two").SendMessageAsync(Q, "x", Ct);

        var message = await node.Client("AKIDONE", "secret-one").ReceiveOneAsync(Q);

        Assert.Equal("AKIDTWO", message.Attributes["SenderId"]);
    }
}
