using Amazon.SQS.Model;
using static Spartan.Sqs.Tests.Queues.QueueKit;

namespace Spartan.Sqs.Tests.Queues;

/// <summary>GetQueueAttributes (SPEC §11): settings under SQS's names, and counts that agree with the native stats.</summary>
public sealed class QueueAttributeTests
{
    private static readonly string[] Always =
    [
        "ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible", "ApproximateNumberOfMessagesDelayed",
        "CreatedTimestamp", "LastModifiedTimestamp", "QueueArn", "VisibilityTimeout", "DelaySeconds", "MaximumMessageSize",
        "MessageRetentionPeriod", "ReceiveMessageWaitTimeSeconds",
    ];

    [Fact]
    public async Task All_answers_every_attribute_with_sqs_defaults_for_a_queue_without_settings()
    {
        await using var node = await SqsNode.StartAsync();
        var sqs = node.Client();

        var read = (await sqs.GetQueueAttributesAsync(SqsNode.QueueUrl("q"), ["All"], Ct)).Attributes;

        // No RedrivePolicy: q has no dead-letter queue, and AWS leaves the attribute out rather than answering "".
        Assert.Equal(Always.Order(StringComparer.Ordinal), read.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(Arn + "q", read["QueueArn"]);
        Assert.Equal("30", read["VisibilityTimeout"]);
        Assert.Equal("0", read["DelaySeconds"]);
        Assert.Equal("345600", read["MessageRetentionPeriod"]);
        Assert.Equal("0", read["ReceiveMessageWaitTimeSeconds"]);
        Assert.Equal("32768", read["MaximumMessageSize"]);
    }

    [Fact]
    public async Task A_single_name_answers_that_attribute_only()
    {
        await using var node = await SqsNode.StartAsync();
        var sqs = node.Client();

        var read = (await sqs.GetQueueAttributesAsync(SqsNode.QueueUrl("q-dead"), ["QueueArn"], Ct)).Attributes;

        Assert.Equal(Arn + "q-dead", Assert.Single(read).Value);
        Assert.Equal("QueueArn", Assert.Single(read).Key);
    }

    [Fact]
    public async Task The_declared_settings_are_answered_under_sqs_names()
    {
        await using var node = await SqsNode.StartAsync("""
            queues = ["q", "q-dead"]
            [queue_settings.q]
            dead_letter = "q-dead"
            max_tries = 4
            timeout = 90
            delay = 12
            """);
        var sqs = node.Client();

        var read = (await sqs.GetQueueAttributesAsync(SqsNode.QueueUrl("q"),
            ["VisibilityTimeout", "DelaySeconds", "RedrivePolicy"], Ct)).Attributes;

        Assert.Equal("90", read["VisibilityTimeout"]);
        Assert.Equal("12", read["DelaySeconds"]);
        Assert.Equal($"{{\"deadLetterTargetArn\":\"{Arn}q-dead\",\"maxReceiveCount\":4}}", read["RedrivePolicy"]);
    }

    [Fact]
    public async Task The_approximate_counts_are_the_native_stats()
    {
        await using var node = await SqsNode.StartAsync();
        await PushAsync(node, "q", 5);
        await PushAsync(node, "q", 2, """{"body":"later","delay":60}""");
        for (var i = 0; i < 3; i++)
        {
            using var popped = await node.Node.SendAsync(HttpMethod.Get, "/q");
            Assert.Equal(System.Net.HttpStatusCode.OK, popped.StatusCode);
        }

        var read = (await node.Client().GetQueueAttributesAsync(SqsNode.QueueUrl("q"), ["All"], Ct)).Attributes;
        var stats = await NativeAsync(node, "/q/stats");

        Assert.Equal((2, 3, 2), (stats.GetProperty("available").GetInt32(), stats.GetProperty("in_flight").GetInt32(),
            stats.GetProperty("delayed").GetInt32()));
        Assert.Equal("2", read["ApproximateNumberOfMessages"]);
        Assert.Equal("3", read["ApproximateNumberOfMessagesNotVisible"]);
        Assert.Equal("2", read["ApproximateNumberOfMessagesDelayed"]);
    }

    [Fact]
    public async Task The_counts_follow_the_clock_as_delays_end_and_reservations_expire()
    {
        await using var node = await SqsNode.StartAsync();
        await PushAsync(node, "q", 1, """{"body":"later","delay":60}""");
        await PushAsync(node, "q", 1, """{"body":"now","max_tries":5}""");
        using (var popped = await node.Node.SendAsync(HttpMethod.Get, "/q"))
            Assert.Equal(System.Net.HttpStatusCode.OK, popped.StatusCode);
        var sqs = node.Client();
        string[] counts = ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible", "ApproximateNumberOfMessagesDelayed"];

        var before = (await sqs.GetQueueAttributesAsync(SqsNode.QueueUrl("q"), [.. counts], Ct)).Attributes;
        node.Node.Advance(60);
        var after = (await sqs.GetQueueAttributesAsync(SqsNode.QueueUrl("q"), [.. counts], Ct)).Attributes;

        Assert.Equal(["0", "1", "1"], counts.Select(c => before[c]));
        Assert.Equal(["2", "0", "0"], counts.Select(c => after[c]));
    }

    [Fact]
    public async Task Timestamps_are_epoch_seconds_of_the_node_clock_and_a_change_moves_the_last_modified_one()
    {
        await using var node = await SqsNode.StartAsync();
        var sqs = node.Client();
        var createdAt = node.Node.Clock.GetUtcNow();
        var url = (await sqs.CreateQueueAsync("orders", Ct)).QueueUrl;
        node.Node.Advance(100);

        var before = (await sqs.GetQueueAttributesAsync(url, ["CreatedTimestamp", "LastModifiedTimestamp"], Ct)).Attributes;
        await sqs.SetQueueAttributesAsync(url, new() { ["VisibilityTimeout"] = "60" }, Ct);
        var after = (await sqs.GetQueueAttributesAsync(url, ["CreatedTimestamp", "LastModifiedTimestamp"], Ct)).Attributes;

        Assert.Equal(Seconds(createdAt), before["CreatedTimestamp"]);
        Assert.Equal(Seconds(createdAt), before["LastModifiedTimestamp"]);
        Assert.Equal(Seconds(createdAt), after["CreatedTimestamp"]);
        Assert.Equal(Seconds(createdAt.AddSeconds(100)), after["LastModifiedTimestamp"]);
    }

    [Fact]
    public async Task An_unknown_name_is_InvalidAttributeName()
    {
        await using var node = await SqsNode.StartAsync();
        var sqs = node.Client();

        await ErrorAsync<InvalidAttributeNameException>("InvalidAttributeName",
            () => sqs.GetQueueAttributesAsync(SqsNode.QueueUrl("q"), ["QueueArn", "Colour"], Ct));
    }

    [Fact]
    public async Task A_missing_queue_is_QueueDoesNotExist()
    {
        await using var node = await SqsNode.StartAsync();
        var sqs = node.Client();

        await ErrorAsync<QueueDoesNotExistException>("AWS.SimpleQueueService.NonExistentQueue",
            () => sqs.GetQueueAttributesAsync(SqsNode.QueueUrl("nowhere"), ["All"], Ct));
    }

    [Fact]
    public async Task The_counts_are_decimal_integers_the_sdk_parses()
    {
        await using var node = await SqsNode.StartAsync();
        await PushAsync(node, "q", 12);

        var response = await node.Client().GetQueueAttributesAsync(SqsNode.QueueUrl("q"), ["ApproximateNumberOfMessages"], Ct);

        Assert.Equal(12, response.ApproximateNumberOfMessages);
    }
}
