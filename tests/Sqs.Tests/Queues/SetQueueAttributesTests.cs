using Amazon.SQS.Model;
using static Spartan.Sqs.Tests.Queues.QueueKit;

namespace Spartan.Sqs.Tests.Queues;

/// <summary>SetQueueAttributes (SPEC §11): the native PATCH of a runtime queue under SQS's names.</summary>
public sealed class SetQueueAttributesTests
{
    private static ReceiveMessageRequest Receive(string url) => new() { QueueUrl = url, WaitTimeSeconds = 0 };

    [Fact]
    public async Task A_new_visibility_timeout_is_how_long_the_next_reservation_lasts()
    {
        await using var node = await SqsNode.StartAsync();
        var sqs = node.Client();
        var url = (await sqs.CreateQueueAsync("orders", Ct)).QueueUrl;
        // Sent before the change: the timeout is the queue's at receive time, not at send time.
        await sqs.SendMessageAsync(url, "job", Ct);

        await sqs.SetQueueAttributesAsync(url, new() { ["VisibilityTimeout"] = "100" }, Ct);

        Assert.Equal(100, (await NativeAsync(node, "/_/queues/orders")).GetProperty("settings").GetProperty("timeout").GetInt32());
        Assert.Single((await sqs.ReceiveMessageAsync(Receive(url), Ct)).Messages);
        // Past the 30 s default and up to the new 100 s inclusive (SPEC §2.5 expires after, not at): still reserved.
        node.Node.Advance(30.5);
        Assert.Empty((await sqs.ReceiveMessageAsync(Receive(url), Ct)).Messages ?? []);
        node.Node.Advance(69.5);
        Assert.Empty((await sqs.ReceiveMessageAsync(Receive(url), Ct)).Messages ?? []);
        node.Node.Advance(0.001);
        var again = Assert.Single((await sqs.ReceiveMessageAsync(Receive(url), Ct)).Messages);
        Assert.Equal("job", again.Body);
    }

    [Fact]
    public async Task An_empty_redrive_policy_removes_the_dead_letter_queue()
    {
        await using var node = await SqsNode.StartAsync();
        var sqs = node.Client();
        var url = (await sqs.CreateQueueAsync(new CreateQueueRequest
        {
            QueueName = "orders",
            Attributes = new() { ["RedrivePolicy"] = Redrive("q-dead", 3) },
        }, Ct)).QueueUrl;

        await sqs.SetQueueAttributesAsync(url, new() { ["RedrivePolicy"] = "" }, Ct);

        var settings = (await NativeAsync(node, "/_/queues/orders")).GetProperty("settings");
        Assert.Equal(System.Text.Json.JsonValueKind.Null, settings.GetProperty("dead_letter").ValueKind);
        Assert.Equal(System.Text.Json.JsonValueKind.Null, settings.GetProperty("max_tries").ValueKind);
        Assert.DoesNotContain("RedrivePolicy", (await sqs.GetQueueAttributesAsync(url, ["All"], Ct)).Attributes.Keys);
        // With no queue naming it any more, the former dead-letter queue has no sources.
        Assert.Empty((await sqs.ListDeadLetterSourceQueuesAsync(new() { QueueUrl = SqsNode.QueueUrl("q-dead") }, Ct)).QueueUrls ?? []);
    }

    [Fact]
    public async Task A_redrive_policy_set_later_is_the_native_dead_letter_and_max_tries()
    {
        await using var node = await SqsNode.StartAsync();
        var sqs = node.Client();
        var url = (await sqs.CreateQueueAsync("orders", Ct)).QueueUrl;

        await sqs.SetQueueAttributesAsync(url, new() { ["RedrivePolicy"] = Redrive("q-dead", 7), ["DelaySeconds"] = "9" }, Ct);

        var settings = (await NativeAsync(node, "/_/queues/orders")).GetProperty("settings");
        Assert.Equal("q-dead", settings.GetProperty("dead_letter").GetString());
        Assert.Equal(7, settings.GetProperty("max_tries").GetInt32());
        Assert.Equal(9, settings.GetProperty("delay").GetInt32());
    }

    [Fact]
    public async Task Attributes_left_out_keep_their_values()
    {
        await using var node = await SqsNode.StartAsync();
        var sqs = node.Client();
        var url = (await sqs.CreateQueueAsync(new CreateQueueRequest
        {
            QueueName = "orders",
            Attributes = new() { ["VisibilityTimeout"] = "45", ["MessageRetentionPeriod"] = "3600" },
        }, Ct)).QueueUrl;

        await sqs.SetQueueAttributesAsync(url, new() { ["DelaySeconds"] = "3" }, Ct);

        var read = (await sqs.GetQueueAttributesAsync(url, ["All"], Ct)).Attributes;
        Assert.Equal(("45", "3600", "3"), (read["VisibilityTimeout"], read["MessageRetentionPeriod"], read["DelaySeconds"]));
    }

    [Fact]
    public async Task A_declared_queue_is_changed_in_its_configuration_not_over_sqs()
    {
        await using var node = await SqsNode.StartAsync();
        var sqs = node.Client();

        await GenericErrorAsync("InvalidParameterValue",
            () => sqs.SetQueueAttributesAsync(SqsNode.QueueUrl("q"), new() { ["VisibilityTimeout"] = "60" }, Ct));

        Assert.Equal("30", (await sqs.GetQueueAttributesAsync(SqsNode.QueueUrl("q"), ["VisibilityTimeout"], Ct)).Attributes["VisibilityTimeout"]);
    }

    [Theory]
    [InlineData("QueueArn")]
    [InlineData("ApproximateNumberOfMessages")]
    [InlineData("CreatedTimestamp")]
    [InlineData("Colour")]
    public async Task A_read_only_or_unknown_name_is_InvalidAttributeName(string name)
    {
        await using var node = await SqsNode.StartAsync();
        var sqs = node.Client();
        var url = (await sqs.CreateQueueAsync("orders", Ct)).QueueUrl;

        await ErrorAsync<InvalidAttributeNameException>("InvalidAttributeName",
            () => sqs.SetQueueAttributesAsync(url, new() { [name] = "1", ["VisibilityTimeout"] = "60" }, Ct));

        // One bad name refuses the whole request.
        Assert.Equal("30", (await sqs.GetQueueAttributesAsync(url, ["VisibilityTimeout"], Ct)).Attributes["VisibilityTimeout"]);
    }

    [Fact]
    public async Task An_out_of_range_value_is_InvalidAttributeValue_and_changes_nothing()
    {
        await using var node = await SqsNode.StartAsync();
        var sqs = node.Client();
        var url = (await sqs.CreateQueueAsync("orders", Ct)).QueueUrl;

        await ErrorAsync<InvalidAttributeValueException>("InvalidAttributeValue",
            () => sqs.SetQueueAttributesAsync(url, new() { ["DelaySeconds"] = "5", ["VisibilityTimeout"] = "43201" }, Ct));

        Assert.Equal("0", (await sqs.GetQueueAttributesAsync(url, ["DelaySeconds"], Ct)).Attributes["DelaySeconds"]);
    }

    [Fact]
    public async Task A_redrive_policy_naming_the_queue_itself_is_InvalidParameterValue()
    {
        await using var node = await SqsNode.StartAsync();
        var sqs = node.Client();
        var url = (await sqs.CreateQueueAsync("orders", Ct)).QueueUrl;

        await GenericErrorAsync("InvalidParameterValue",
            () => sqs.SetQueueAttributesAsync(url, new() { ["RedrivePolicy"] = Redrive("orders", 3) }, Ct));

        Assert.Equal(System.Text.Json.JsonValueKind.Null,
            (await NativeAsync(node, "/_/queues/orders")).GetProperty("settings").GetProperty("dead_letter").ValueKind);
    }
}
