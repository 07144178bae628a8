using Amazon.SQS.Model;
using static Spartan.Sqs.Tests.Queues.QueueKit;

namespace Spartan.Sqs.Tests.Queues;

/// <summary>TagQueue, UntagQueue, ListQueueTags (SPEC §11): labels kept with the queue, never settings.</summary>
public sealed class TagTests
{
    private static async Task<Dictionary<string, string>> TagsAsync(Amazon.SQS.AmazonSQSClient sqs, string url) =>
        (await sqs.ListQueueTagsAsync(new ListQueueTagsRequest { QueueUrl = url }, Ct)).Tags ?? [];

    [Fact]
    public async Task Tags_go_round_trip_and_untagging_removes_only_the_keys_named()
    {
        await using var node = await SqsNode.StartAsync();
        var sqs = node.Client();
        var url = (await sqs.CreateQueueAsync("orders", Ct)).QueueUrl;
        Assert.Empty(await TagsAsync(sqs, url));

        await sqs.TagQueueAsync(new TagQueueRequest { QueueUrl = url, Tags = new() { ["team"] = "billing", ["env"] = "test", ["cost"] = "" } }, Ct);
        Assert.Equal(new Dictionary<string, string> { ["team"] = "billing", ["env"] = "test", ["cost"] = "" }, await TagsAsync(sqs, url));

        // Tagging again replaces the values of the keys given and leaves the others.
        await sqs.TagQueueAsync(new TagQueueRequest { QueueUrl = url, Tags = new() { ["env"] = "prod" } }, Ct);
        await sqs.UntagQueueAsync(new UntagQueueRequest { QueueUrl = url, TagKeys = ["team", "never-set"] }, Ct);

        Assert.Equal(new Dictionary<string, string> { ["env"] = "prod", ["cost"] = "" }, await TagsAsync(sqs, url));
    }

    [Fact]
    public async Task Tags_do_not_change_the_native_settings_or_the_sqs_attributes()
    {
        await using var node = await SqsNode.StartAsync();
        var sqs = node.Client();
        var url = (await sqs.CreateQueueAsync(new CreateQueueRequest
        {
            QueueName = "orders",
            Attributes = new() { ["VisibilityTimeout"] = "45", ["RedrivePolicy"] = Redrive("q-dead", 3) },
        }, Ct)).QueueUrl;
        var settings = (await NativeAsync(node, "/_/queues/orders")).GetProperty("settings").GetRawText();
        var attributes = (await sqs.GetQueueAttributesAsync(url, ["VisibilityTimeout", "DelaySeconds", "RedrivePolicy"], Ct)).Attributes;

        await sqs.TagQueueAsync(new TagQueueRequest { QueueUrl = url, Tags = new() { ["VisibilityTimeout"] = "1", ["team"] = "billing" } }, Ct);

        Assert.Equal(settings, (await NativeAsync(node, "/_/queues/orders")).GetProperty("settings").GetRawText());
        Assert.Equal(attributes, (await sqs.GetQueueAttributesAsync(url, ["VisibilityTimeout", "DelaySeconds", "RedrivePolicy"], Ct)).Attributes);
        Assert.Equal("1", (await TagsAsync(sqs, url))["VisibilityTimeout"]);
    }

    [Fact]
    public async Task Tags_do_not_count_when_the_queue_is_created_again()
    {
        await using var node = await SqsNode.StartAsync();
        var sqs = node.Client();
        var url = (await sqs.CreateQueueAsync(new CreateQueueRequest { QueueName = "orders", Tags = new() { ["team"] = "billing" } }, Ct)).QueueUrl;

        var again = await sqs.CreateQueueAsync(new CreateQueueRequest { QueueName = "orders", Tags = new() { ["team"] = "search" } }, Ct);

        Assert.Equal(url, again.QueueUrl);
    }

    [Fact]
    public async Task Tag_keys_longer_than_128_characters_are_InvalidParameterValue()
    {
        await using var node = await SqsNode.StartAsync();
        var sqs = node.Client();
        var url = (await sqs.CreateQueueAsync("orders", Ct)).QueueUrl;

        await GenericErrorAsync("InvalidParameterValue",
            () => sqs.TagQueueAsync(new TagQueueRequest { QueueUrl = url, Tags = new() { [new string('k', 129)] = "v" } }, Ct));

        Assert.Empty(await TagsAsync(sqs, url));
    }

    [Fact]
    public async Task Tagging_a_missing_queue_is_QueueDoesNotExist()
    {
        await using var node = await SqsNode.StartAsync();
        var sqs = node.Client();

        await ErrorAsync<QueueDoesNotExistException>("AWS.SimpleQueueService.NonExistentQueue",
            () => sqs.TagQueueAsync(new TagQueueRequest { QueueUrl = SqsNode.QueueUrl("nowhere"), Tags = new() { ["a"] = "b" } }, Ct));
        await ErrorAsync<QueueDoesNotExistException>("AWS.SimpleQueueService.NonExistentQueue",
            () => sqs.ListQueueTagsAsync(new ListQueueTagsRequest { QueueUrl = SqsNode.QueueUrl("nowhere") }, Ct));
    }
}
