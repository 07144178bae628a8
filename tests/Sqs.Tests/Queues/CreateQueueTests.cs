using System.Text.Json;
using Amazon.SQS.Model;
using static Spartan.Sqs.Tests.Queues.QueueKit;

namespace Spartan.Sqs.Tests.Queues;

/// <summary>CreateQueue (SPEC §11): a runtime queue (§10) whose SQS attributes map onto native settings.</summary>
public sealed class CreateQueueTests
{
    private static Dictionary<string, string> FullAttributes() => new()
    {
        ["VisibilityTimeout"] = "45",
        ["DelaySeconds"] = "5",
        ["MaximumMessageSize"] = "2048",
        ["MessageRetentionPeriod"] = "3600",
        ["ReceiveMessageWaitTimeSeconds"] = "7",
        ["RedrivePolicy"] = Redrive("q-dead", 3),
    };

    [Fact]
    public async Task Attributes_become_the_native_settings_and_all_read_back()
    {
        await using var node = await SqsNode.StartAsync();
        var sqs = node.Client();

        var created = await sqs.CreateQueueAsync(new CreateQueueRequest { QueueName = "orders", Attributes = FullAttributes() }, Ct);
        Assert.Equal(SqsNode.QueueUrl("orders"), created.QueueUrl);

        var native = await NativeAsync(node, "/_/queues/orders");
        Assert.False(native.GetProperty("declared").GetBoolean());
        var settings = native.GetProperty("settings");
        Assert.Equal(45, settings.GetProperty("timeout").GetInt32());
        Assert.Equal(5, settings.GetProperty("delay").GetInt32());
        Assert.Equal("q-dead", settings.GetProperty("dead_letter").GetString());
        Assert.Equal(3, settings.GetProperty("max_tries").GetInt32());

        var read = (await sqs.GetQueueAttributesAsync(created.QueueUrl, ["All"], Ct)).Attributes;
        Assert.Equal("45", read["VisibilityTimeout"]);
        Assert.Equal("5", read["DelaySeconds"]);
        Assert.Equal("2048", read["MaximumMessageSize"]);
        Assert.Equal("3600", read["MessageRetentionPeriod"]);
        Assert.Equal("7", read["ReceiveMessageWaitTimeSeconds"]);
        // AWS answers maxReceiveCount as a number whatever the client sent.
        Assert.Equal($"{{\"deadLetterTargetArn\":\"{Arn}q-dead\",\"maxReceiveCount\":3}}", read["RedrivePolicy"]);
    }

    [Fact]
    public async Task Creating_again_with_equal_attributes_returns_the_same_url_and_changes_nothing()
    {
        await using var node = await SqsNode.StartAsync();
        var sqs = node.Client();
        var first = await sqs.CreateQueueAsync(new CreateQueueRequest { QueueName = "orders", Attributes = FullAttributes() }, Ct);
        var createdAt = (await NativeAsync(node, "/_/queues/orders")).GetProperty("created_at").GetString();
        node.Node.Advance(60);

        var second = await sqs.CreateQueueAsync(new CreateQueueRequest { QueueName = "orders", Attributes = FullAttributes() }, Ct);

        Assert.Equal(first.QueueUrl, second.QueueUrl);
        Assert.Equal(createdAt, (await NativeAsync(node, "/_/queues/orders")).GetProperty("created_at").GetString());
    }

    [Theory]
    [InlineData("VisibilityTimeout", "46")]
    [InlineData("MaximumMessageSize", "4096")]
    [InlineData("RedrivePolicy", "")]
    public async Task Creating_again_with_a_different_attribute_is_QueueNameExists(string name, string value)
    {
        await using var node = await SqsNode.StartAsync();
        var sqs = node.Client();
        await sqs.CreateQueueAsync(new CreateQueueRequest { QueueName = "orders", Attributes = FullAttributes() }, Ct);
        var changed = FullAttributes();
        changed[name] = value;

        await ErrorAsync<QueueNameExistsException>("QueueAlreadyExists",
            () => sqs.CreateQueueAsync(new CreateQueueRequest { QueueName = "orders", Attributes = changed }, Ct));

        Assert.Equal(45, (await NativeAsync(node, "/_/queues/orders")).GetProperty("settings").GetProperty("timeout").GetInt32());
    }

    [Fact]
    public async Task Creating_again_with_the_defaults_stated_returns_the_url_and_records_nothing()
    {
        // The queue never set these; stating the values it has anyway asks for nothing new (SQS compares what it reads).
        await using var node = await SqsNode.StartAsync();
        var sqs = node.Client();
        await sqs.CreateQueueAsync("plain", Ct);
        var defaults = new Dictionary<string, string>
        {
            ["VisibilityTimeout"] = "30", ["DelaySeconds"] = "0", ["MaximumMessageSize"] = "32768",
            ["MessageRetentionPeriod"] = "345600", ["ReceiveMessageWaitTimeSeconds"] = "0",
        };

        var again = await sqs.CreateQueueAsync(new CreateQueueRequest { QueueName = "plain", Attributes = defaults }, Ct);

        Assert.Equal(SqsNode.QueueUrl("plain"), again.QueueUrl);
        Assert.Equal(JsonValueKind.Null, (await NativeAsync(node, "/_/queues/plain")).GetProperty("settings").GetProperty("timeout").ValueKind);
        var other = new Dictionary<string, string> { ["VisibilityTimeout"] = "31" };
        await ErrorAsync<QueueNameExistsException>("QueueAlreadyExists",
            () => sqs.CreateQueueAsync(new CreateQueueRequest { QueueName = "plain", Attributes = other }, Ct));
    }

    [Fact]
    public async Task Creating_an_existing_queue_without_attributes_returns_its_url()
    {
        // AWS refuses only attributes the request includes with other values: clients "create" their queues at start.
        await using var node = await SqsNode.StartAsync();
        var sqs = node.Client();
        await sqs.CreateQueueAsync(new CreateQueueRequest { QueueName = "orders", Attributes = FullAttributes() }, Ct);

        Assert.Equal(SqsNode.QueueUrl("orders"), (await sqs.CreateQueueAsync("orders", Ct)).QueueUrl);
        var subset = new Dictionary<string, string> { ["VisibilityTimeout"] = "45" };
        Assert.Equal(SqsNode.QueueUrl("orders"),
            (await sqs.CreateQueueAsync(new CreateQueueRequest { QueueName = "orders", Attributes = subset }, Ct)).QueueUrl);
    }

    [Theory]
    [InlineData("orders.fifo", null)]
    [InlineData("orders", "true")]
    public async Task Fifo_queues_are_InvalidParameterValue(string name, string? fifo)
    {
        await using var node = await SqsNode.StartAsync();
        var sqs = node.Client();
        var request = new CreateQueueRequest { QueueName = name };
        if (fifo is not null) request.Attributes = new() { ["FifoQueue"] = fifo };

        await GenericErrorAsync("InvalidParameterValue", () => sqs.CreateQueueAsync(request, Ct));

        Assert.False(node.Node.Broker.HasQueue(name));
    }

    [Theory]
    [InlineData("_server")]
    [InlineData("has space")]
    [InlineData("an-eighty-one-character-name-is-one-more-than-sqs-and-spartan-allow-for-a-queue-x")]
    public async Task An_invalid_name_is_InvalidParameterValue(string name)
    {
        await using var node = await SqsNode.StartAsync();
        var sqs = node.Client();

        await GenericErrorAsync("InvalidParameterValue", () => sqs.CreateQueueAsync(name, Ct));
    }

    [Fact]
    public async Task Names_of_80_characters_and_FifoQueue_false_make_a_standard_queue()
    {
        await using var node = await SqsNode.StartAsync();
        var sqs = node.Client();
        var longest = "A" + new string('z', 78) + "9";

        await sqs.CreateQueueAsync(longest, Ct);
        await sqs.CreateQueueAsync(new CreateQueueRequest { QueueName = "plain", Attributes = new() { ["FifoQueue"] = "false" } }, Ct);

        Assert.True(node.Node.Broker.HasQueue(longest));
        Assert.True(node.Node.Broker.HasQueue("plain"));
    }

    [Fact]
    public async Task A_numeric_maxReceiveCount_is_accepted_as_the_string_form_is()
    {
        await using var node = await SqsNode.StartAsync();
        var policy = $"{{\"maxReceiveCount\":1000,\"deadLetterTargetArn\":\"{Arn}q-dead\"}}";

        await node.Client().CreateQueueAsync(new CreateQueueRequest { QueueName = "orders", Attributes = new() { ["RedrivePolicy"] = policy } }, Ct);

        Assert.Equal(1000, (await NativeAsync(node, "/_/queues/orders")).GetProperty("settings").GetProperty("max_tries").GetInt32());
    }

    [Fact]
    public async Task An_unknown_attribute_is_InvalidAttributeName_and_nothing_is_created()
    {
        await using var node = await SqsNode.StartAsync();
        var sqs = node.Client();
        var request = new CreateQueueRequest { QueueName = "orders", Attributes = new() { ["Colour"] = "blue" } };

        await ErrorAsync<InvalidAttributeNameException>("InvalidAttributeName", () => sqs.CreateQueueAsync(request, Ct));

        Assert.False(node.Node.Broker.HasQueue("orders"));
    }

    [Theory]
    [InlineData("VisibilityTimeout", "43201")]
    [InlineData("DelaySeconds", "901")]
    [InlineData("MaximumMessageSize", "1023")]
    [InlineData("MessageRetentionPeriod", "59")]
    [InlineData("ReceiveMessageWaitTimeSeconds", "21")]
    [InlineData("VisibilityTimeout", "-1")]
    [InlineData("DelaySeconds", "soon")]
    public async Task An_out_of_range_value_is_InvalidAttributeValue(string name, string value)
    {
        await using var node = await SqsNode.StartAsync();
        var sqs = node.Client();
        var request = new CreateQueueRequest { QueueName = "orders", Attributes = new() { [name] = value } };

        await ErrorAsync<InvalidAttributeValueException>("InvalidAttributeValue", () => sqs.CreateQueueAsync(request, Ct));

        Assert.False(node.Node.Broker.HasQueue("orders"));
    }

    [Theory]
    [InlineData("{\"deadLetterTargetArn\":\"arn:aws:sqs:us-east-1:000000000000:nowhere\",\"maxReceiveCount\":\"3\"}")]
    [InlineData("{\"deadLetterTargetArn\":\"arn:aws:sqs:eu-west-1:111111111111:q-dead\",\"maxReceiveCount\":\"3\"}")]
    [InlineData("{\"deadLetterTargetArn\":\"arn:aws:sqs:us-east-1:000000000000:q-dead\",\"maxReceiveCount\":\"0\"}")]
    [InlineData("{\"maxReceiveCount\":\"3\"}")]
    [InlineData("not json")]
    public async Task A_redrive_policy_to_a_queue_that_is_not_here_or_malformed_is_InvalidParameterValue(string policy)
    {
        await using var node = await SqsNode.StartAsync();
        var sqs = node.Client();
        var request = new CreateQueueRequest { QueueName = "orders", Attributes = new() { ["RedrivePolicy"] = policy } };

        await GenericErrorAsync("InvalidParameterValue", () => sqs.CreateQueueAsync(request, Ct));

        Assert.False(node.Node.Broker.HasQueue("orders"));
    }

    [Fact]
    public async Task Tags_given_at_creation_are_listed_and_are_not_settings()
    {
        await using var node = await SqsNode.StartAsync();
        var sqs = node.Client();
        var created = await sqs.CreateQueueAsync(new CreateQueueRequest
        {
            QueueName = "orders",
            Tags = new() { ["team"] = "billing", ["env"] = "test" },
        }, Ct);

        var tags = (await sqs.ListQueueTagsAsync(new ListQueueTagsRequest { QueueUrl = created.QueueUrl }, Ct)).Tags;

        Assert.Equal(["env", "team"], tags.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("billing", tags["team"]);
        Assert.Equal("test", tags["env"]);
        Assert.DoesNotContain("team", (await sqs.GetQueueAttributesAsync(created.QueueUrl, ["All"], Ct)).Attributes.Keys);
    }

    [Fact]
    public async Task Without_runtime_queues_only_declared_queues_can_be_created()
    {
        await using var node = await SqsNode.StartAsync("""
            queues = ["q", "q-dead"]
            allow_runtime_queues = false
            [queue_settings.q]
            dead_letter = "q-dead"
            max_tries = 4
            timeout = 90
            """);
        var sqs = node.Client();

        await ErrorAsync<UnsupportedOperationException>("AWS.SimpleQueueService.UnsupportedOperation",
            () => sqs.CreateQueueAsync("orders", Ct));
        Assert.False(node.Node.Broker.HasQueue("orders"));

        // Declared with settings of its own: a client that "creates" its queue at start must still get its URL.
        Assert.Equal(SqsNode.QueueUrl("q"), (await sqs.CreateQueueAsync("q", Ct)).QueueUrl);
        Assert.Equal(SqsNode.QueueUrl("q-dead"), (await sqs.CreateQueueAsync("q-dead", Ct)).QueueUrl);
    }
}
