using System.Net;
using Amazon.SQS.Model;
using static Spartan.Sqs.Tests.Messages.Steps;

namespace Spartan.Sqs.Tests.Messages;

/// <summary>Message attributes through the SDK (SPEC §11): the subset a receive asks for, their DataTypes, attributes
/// pushed natively, and the server's own <c>spartan.*</c> attributes that no SQS client may see. The SDK checks
/// <c>MD5OfMessageAttributes</c> against what it received, so every receive here is also a digest check.</summary>
public sealed class AttributeTests
{
    private static Dictionary<string, MessageAttributeValue> Mixed() => new()
    {
        ["kind"] = Text("order"),
        ["count"] = Text("3", "Number"),
        ["blob"] = Bytes([1, 2, 3]),
        ["app.user"] = Text("ada"),
        ["app.trace"] = Text("7", "Number.int"),
    };

    [Theory]
    [InlineData("", "")]
    [InlineData("kind", "kind")]
    [InlineData("kind,blob", "blob,kind")]
    [InlineData("All", "app.trace,app.user,blob,count,kind")]
    [InlineData(".*", "app.trace,app.user,blob,count,kind")]
    [InlineData("app.*", "app.trace,app.user")]
    [InlineData("nothing-like-it", "")]
    public async Task A_receive_answers_the_attributes_it_names_and_their_digest(string asked, string expected)
    {
        await using var node = await SqsNode.StartAsync();
        var sqs = node.Client();
        var sent = await sqs.SendMessageAsync(new SendMessageRequest { QueueUrl = Q, MessageBody = "x", MessageAttributes = Mixed() }, Ct);

        var message = Assert.Single(await sqs.ReceiveAsync(new ReceiveMessageRequest
        {
            QueueUrl = Q,
            MessageAttributeNames = asked.Length == 0 ? null : [.. asked.Split(',')],
        }));

        var keys = string.Join(',', (message.MessageAttributes ?? []).Keys.Order(StringComparer.Ordinal));
        Assert.Equal(expected, keys);
        if (expected.Length == 0) Assert.Null(message.MD5OfMessageAttributes);
        else Assert.NotNull(message.MD5OfMessageAttributes);
        // The digest covers the answered subset only: the whole set digests as the send did, a part differently.
        if (expected == "app.trace,app.user,blob,count,kind") Assert.Equal(sent.MD5OfMessageAttributes, message.MD5OfMessageAttributes);
        else Assert.NotEqual(sent.MD5OfMessageAttributes, message.MD5OfMessageAttributes);
    }

    [Fact]
    public async Task Every_data_type_and_custom_label_comes_back_as_sent()
    {
        await using var node = await SqsNode.StartAsync();
        var sqs = node.Client();
        byte[] gzip = [0x1f, 0x8b, 0, 255, 0];
        await sqs.SendMessageAsync(new SendMessageRequest
        {
            QueueUrl = Q,
            MessageBody = "typed",
            MessageAttributes = new()
            {
                ["s"] = Text("plain ✓"),
                ["n"] = Text("-1.5e3", "Number"),
                ["b"] = Bytes([0, 1, 2, 255]),
                ["json"] = Text("""{"a":[1,2]}""", "String.json"),
                ["gz"] = Bytes(gzip, "Binary.gzip"),
                ["cents"] = Text("1999", "Number.cents"),
            },
        }, Ct);

        var attributes = (await sqs.ReceiveOneAsync(Q)).MessageAttributes;

        Assert.Equal(("String", "plain ✓"), (attributes["s"].DataType, attributes["s"].StringValue));
        Assert.Equal(("Number", "-1.5e3"), (attributes["n"].DataType, attributes["n"].StringValue));
        Assert.Equal(("String.json", """{"a":[1,2]}"""), (attributes["json"].DataType, attributes["json"].StringValue));
        Assert.Equal(("Number.cents", "1999"), (attributes["cents"].DataType, attributes["cents"].StringValue));
        Assert.Equal("Binary", attributes["b"].DataType);
        Assert.Equal([0, 1, 2, 255], attributes["b"].BinaryValue.ToArray());
        Assert.Null(attributes["b"].StringValue);
        Assert.Equal("Binary.gzip", attributes["gz"].DataType);
        Assert.Equal(gzip, attributes["gz"].BinaryValue.ToArray());
    }

    [Fact]
    public async Task Attributes_of_a_native_push_come_back_as_strings()
    {
        await using var node = await SqsNode.StartAsync();
        var pushed = await node.Node.SendAsync(HttpMethod.Post, "/q", """{"body":"x","attributes":{"a":"b","app.n":"12"}}""");
        Assert.Equal(HttpStatusCode.OK, pushed.StatusCode);

        var message = await node.Client().ReceiveOneAsync(Q);

        Assert.Equal("x", message.Body);
        Assert.Equal(["a", "app.n"], message.MessageAttributes.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(("String", "b"), (message.MessageAttributes["a"].DataType, message.MessageAttributes["a"].StringValue));
        // A native value that looks like a number was never declared one.
        Assert.Equal("String", message.MessageAttributes["app.n"].DataType);
    }

    [Fact]
    public async Task The_servers_own_attributes_never_reach_an_sqs_client_even_after_dead_lettering()
    {
        // A signed node records the sender and a dead-lettered message gains spartan.dead_letter_*: every kind of
        // reserved attribute is stored, and none may be answered to "All".
        await using var node = await SqsNode.StartAsync("""
            queues = ["q", "q-dead"]
            [queue_settings.q]
            dead_letter = "q-dead"
            max_tries = 1
            [[access_keys]]
            key = "secret"
            id = "AKIDTEST"
            queues = ["*"]
            """);
        var sqs = node.Client("AKIDTEST", "secret");
        await sqs.SendMessageAsync(new SendMessageRequest { QueueUrl = Q, MessageBody = "x", MessageAttributes = new() { ["kind"] = Text("k", "String.t") } }, Ct);
        Assert.Single(await sqs.ReceiveNowAsync(Q, visibility: 1));
        node.Node.Advance(2);
        Assert.Empty(await sqs.ReceiveNowAsync(Q));

        var stored = await TestNode.ReadAsync(await node.Node.SendAsync(HttpMethod.Get, "/q-dead/peek", key: "Bearer secret"));
        Assert.Contains(stored.GetProperty("attributes").EnumerateObject(), a => a.Name.StartsWith("spartan.", StringComparison.Ordinal));

        var message = await sqs.ReceiveOneAsync(Dead);
        Assert.Equal(["kind"], message.MessageAttributes.Keys);
        Assert.Equal("String.t", message.MessageAttributes["kind"].DataType);
        Assert.Equal("AKIDTEST", message.Attributes["SenderId"]);
        Assert.DoesNotContain(message.Attributes.Keys, k => k.StartsWith("spartan", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task A_subset_pattern_never_matches_a_reserved_attribute()
    {
        await using var node = await SqsNode.StartAsync();
        var sqs = node.Client();
        await sqs.SendMessageAsync(new SendMessageRequest { QueueUrl = Q, MessageBody = "x", MessageAttributes = new() { ["kind"] = Text("1", "Number.x") } }, Ct);

        var message = Assert.Single(await sqs.ReceiveAsync(new ReceiveMessageRequest
        {
            QueueUrl = Q,
            MessageAttributeNames = ["spartan.*", "spartan.sqs.types"],
        }));

        Assert.Empty(message.MessageAttributes ?? []);
        Assert.Null(message.MD5OfMessageAttributes);
    }
}
