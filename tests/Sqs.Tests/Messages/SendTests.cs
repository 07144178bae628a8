using Amazon.SQS;
using Amazon.SQS.Model;
using static Spartan.Sqs.Tests.Messages.Steps;

namespace Spartan.Sqs.Tests.Messages;

/// <summary>SendMessage's own rules (SPEC §11): a delay on the fake clock, and every refusal with the code AWS gives it,
/// a refused message never stored.</summary>
public sealed class SendTests
{
    private const string SmallBodies = "queues = [\"q\"]\nbody_size = 1024\n";

    [Fact]
    public async Task A_delayed_message_stays_invisible_until_its_delay_ends()
    {
        await using var node = await SqsNode.StartAsync();
        var sqs = node.Client();
        await sqs.SendMessageAsync(new SendMessageRequest { QueueUrl = Q, MessageBody = "later", DelaySeconds = 5 }, Ct);

        Assert.Empty(await sqs.ReceiveNowAsync(Q));
        node.Node.Advance(4.9);
        Assert.Empty(await sqs.ReceiveNowAsync(Q));
        Assert.Equal(1, (await node.Node.Broker.CountAsync("q")).Delayed);
        node.Node.Advance(0.2);
        Assert.Equal("later", (await sqs.ReceiveOneAsync(Q)).Body);
    }

    [Fact]
    public async Task A_delayed_message_wakes_a_long_poll_when_its_delay_ends()
    {
        await using var node = await SqsNode.StartAsync();
        var sqs = node.Client();
        await sqs.SendMessageAsync(new SendMessageRequest { QueueUrl = Q, MessageBody = "later", DelaySeconds = 3 }, Ct);
        var receive = sqs.ReceiveAsync(new ReceiveMessageRequest { QueueUrl = Q, WaitTimeSeconds = 10 });
        await node.Node.WaitParkedAsync(1);

        node.Node.Advance(3.1);

        Assert.Equal("later", Assert.Single(await receive.WaitAsync(TimeSpan.FromSeconds(10), Ct)).Body);
    }

    [Fact]
    public async Task The_queues_delay_applies_unless_the_message_gives_its_own()
    {
        await using var node = await SqsNode.StartAsync();
        var sqs = node.Client();
        var url = await sqs.CreateAsync("delayed", new() { ["DelaySeconds"] = "60" });
        await sqs.SendMessageAsync(url, "queue delay", Ct);
        await sqs.SendMessageAsync(new SendMessageRequest { QueueUrl = url, MessageBody = "no delay", DelaySeconds = 0 }, Ct);

        Assert.Equal("no delay", (await sqs.ReceiveOneAsync(url)).Body);
        node.Node.Advance(61);
        Assert.Equal("queue delay", (await sqs.ReceiveOneAsync(url)).Body);
    }

    public static TheoryData<string, int?, string?> Refusals() => new()
    {
        { "x", 901, null },
        { "x", -1, null },
        { new string('x', 1025), null, null },
        { "x", null, "dedup-1" },
    };

    [Theory]
    [MemberData(nameof(Refusals))]
    public async Task An_out_of_range_delay_an_oversized_body_or_a_deduplication_id_is_an_invalid_parameter(string body, int? delay, string? deduplication)
    {
        await using var node = await SqsNode.StartAsync(SmallBodies);
        var request = new SendMessageRequest { QueueUrl = Q, MessageBody = body, DelaySeconds = delay, MessageDeduplicationId = deduplication };

        var error = await Assert.ThrowsAnyAsync<AmazonSQSException>(() => node.Client().SendMessageAsync(request, Ct));

        Assert.Equal("InvalidParameterValue", error.ErrorCode);
        Assert.Equal(0, await node.SizeAsync("q"));
    }

    [Fact]
    public async Task Attributes_count_toward_body_size()
    {
        await using var node = await SqsNode.StartAsync(SmallBodies);
        var sqs = node.Client();
        await sqs.SendMessageAsync(Q, new string('x', 1024), Ct);
        // 1000 + "k" + "String" + 20 bytes of value = 1027 > 1024.
        var request = new SendMessageRequest { QueueUrl = Q, MessageBody = new string('x', 1000), MessageAttributes = new() { ["k"] = Text(new string('v', 20)) } };

        var error = await Assert.ThrowsAnyAsync<AmazonSQSException>(() => sqs.SendMessageAsync(request, Ct));

        Assert.Equal("InvalidParameterValue", error.ErrorCode);
        Assert.Equal(1, await node.SizeAsync("q"));
    }

    [Theory]
    [InlineData("bell \u0001")]
    [InlineData("\u0000")]
    [InlineData("not a character \uFFFF")]
    public async Task A_body_with_characters_xml_cannot_carry_is_invalid_contents(string body)
    {
        await using var node = await SqsNode.StartAsync();

        var error = await Assert.ThrowsAsync<InvalidMessageContentsException>(() => node.Client().SendMessageAsync(Q, body, Ct));

        Assert.Equal("InvalidMessageContents", error.ErrorCode);
        Assert.Equal(0, await node.SizeAsync("q"));
    }

    [Fact]
    public async Task Tabs_line_breaks_and_astral_characters_are_valid_contents()
    {
        await using var node = await SqsNode.StartAsync();
        var sqs = node.Client();
        const string body = "a\tb\r\nc 𝄞 \uE000";
        await sqs.SendMessageAsync(Q, body, Ct);

        Assert.Equal(body, (await sqs.ReceiveOneAsync(Q)).Body);
    }

    public static TheoryData<string, string, string> BadAttributes() => new()
    {
        { "spartan.mine", "String", "v" },
        { "AWS.trace", "String", "v" },
        { "two..dots", "String", "v" },
        { "n", "Number", "twelve" },
        { "t", "Text", "v" },
        { "t", "String.", "v" },
        { "e", "String", "" },
    };

    [Theory]
    [MemberData(nameof(BadAttributes))]
    public async Task A_reserved_name_a_bad_type_or_an_empty_value_is_an_invalid_parameter(string name, string type, string value)
    {
        await using var node = await SqsNode.StartAsync();
        var request = new SendMessageRequest { QueueUrl = Q, MessageBody = "x", MessageAttributes = new() { [name] = Text(value, type) } };

        var error = await Assert.ThrowsAnyAsync<AmazonSQSException>(() => node.Client().SendMessageAsync(request, Ct));

        Assert.Equal("InvalidParameterValue", error.ErrorCode);
        Assert.Equal(0, await node.SizeAsync("q"));
    }

    [Fact]
    public async Task Ten_attributes_are_accepted_and_eleven_refused()
    {
        await using var node = await SqsNode.StartAsync();
        var sqs = node.Client();
        Dictionary<string, MessageAttributeValue> Attributes(int n) => Enumerable.Range(0, n).ToDictionary(i => $"a{i}", i => Text("v"));
        await sqs.SendMessageAsync(new SendMessageRequest { QueueUrl = Q, MessageBody = "ten", MessageAttributes = Attributes(10) }, Ct);

        var error = await Assert.ThrowsAnyAsync<AmazonSQSException>(() =>
            sqs.SendMessageAsync(new SendMessageRequest { QueueUrl = Q, MessageBody = "eleven", MessageAttributes = Attributes(11) }, Ct));

        Assert.Equal("InvalidParameterValue", error.ErrorCode);
        Assert.Equal(10, (await sqs.ReceiveOneAsync(Q)).MessageAttributes.Count);
    }
}
