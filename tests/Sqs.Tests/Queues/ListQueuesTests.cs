using Amazon.SQS.Model;
using static Spartan.Sqs.Tests.Queues.QueueKit;

namespace Spartan.Sqs.Tests.Queues;

/// <summary>ListQueues and ListDeadLetterSourceQueues (SPEC §11): every queue, declared or not, in ordinal order.</summary>
public sealed class ListQueuesTests
{
    // Upper case sorts before lower case ordinally, unlike a culture-aware order: a wrong comparer shows.
    private static readonly string[] Runtime = ["orders", "Orders-B", "order-lines", "audit", "Zeta", "o", "ord_9"];

    private static async Task<SqsNode> StartWithQueuesAsync()
    {
        var node = await SqsNode.StartAsync();
        foreach (var name in Runtime) await NativeCreateAsync(node, name);
        return node;
    }

    private static string[] AllNames() => [.. Runtime.Concat(["q", "q-dead"]).Order(StringComparer.Ordinal)];

    [Fact]
    public async Task Without_paging_every_queue_is_listed_in_ordinal_order()
    {
        await using var node = await StartWithQueuesAsync();

        var listed = await node.Client().ListQueuesAsync(new ListQueuesRequest(), Ct);

        Assert.Equal(AllNames().Select(SqsNode.QueueUrl), listed.QueueUrls);
        Assert.Null(listed.NextToken);
    }

    [Fact]
    public async Task A_prefix_keeps_the_names_that_start_with_it_case_sensitively()
    {
        await using var node = await StartWithQueuesAsync();

        var listed = await node.Client().ListQueuesAsync(new ListQueuesRequest { QueueNamePrefix = "ord" }, Ct);

        Assert.Equal(["ord_9", "order-lines", "orders"], listed.QueueUrls.Select(u => u[(u.LastIndexOf('/') + 1)..]));
    }

    [Fact]
    public async Task A_prefix_nothing_starts_with_lists_nothing()
    {
        await using var node = await StartWithQueuesAsync();

        var listed = await node.Client().ListQueuesAsync(new ListQueuesRequest { QueueNamePrefix = "zzz" }, Ct);

        Assert.Empty(listed.QueueUrls ?? []);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(4)]
    [InlineData(9)]
    public async Task Paging_walks_every_queue_exactly_once_in_order(int pageSize)
    {
        await using var node = await StartWithQueuesAsync();
        var sqs = node.Client();
        var walked = new List<string>();
        string? token = null;
        var pages = 0;
        do
        {
            var page = await sqs.ListQueuesAsync(new ListQueuesRequest { MaxResults = pageSize, NextToken = token }, Ct);
            Assert.InRange(page.QueueUrls.Count, 1, pageSize);
            walked.AddRange(page.QueueUrls);
            token = page.NextToken;
            Assert.True(++pages <= AllNames().Length, "the token does not move on");
        }
        while (token is not null);

        Assert.Equal(AllNames().Select(SqsNode.QueueUrl), walked);
        Assert.Equal((AllNames().Length + pageSize - 1) / pageSize, pages);
    }

    [Fact]
    public async Task Paging_with_a_prefix_stays_within_the_prefix()
    {
        await using var node = await StartWithQueuesAsync();
        var sqs = node.Client();

        var first = await sqs.ListQueuesAsync(new ListQueuesRequest { QueueNamePrefix = "ord", MaxResults = 2 }, Ct);
        var second = await sqs.ListQueuesAsync(new ListQueuesRequest { QueueNamePrefix = "ord", MaxResults = 2, NextToken = first.NextToken }, Ct);

        Assert.Equal([SqsNode.QueueUrl("ord_9"), SqsNode.QueueUrl("order-lines")], first.QueueUrls);
        Assert.Equal([SqsNode.QueueUrl("orders")], second.QueueUrls);
        Assert.Null(second.NextToken);
    }

    [Fact]
    public async Task Paging_goes_on_when_the_queue_the_token_names_was_deleted_meanwhile()
    {
        await using var node = await StartWithQueuesAsync();
        var sqs = node.Client();
        var names = AllNames();

        var first = await sqs.ListQueuesAsync(new ListQueuesRequest { MaxResults = 3 }, Ct);
        // The token names the first queue of the next page; with it gone, the page starts at the one after.
        await sqs.DeleteQueueAsync(SqsNode.QueueUrl(names[3]), Ct);
        var second = await sqs.ListQueuesAsync(new ListQueuesRequest { MaxResults = 3, NextToken = first.NextToken }, Ct);

        Assert.Equal(names[..3].Select(SqsNode.QueueUrl), first.QueueUrls);
        Assert.Equal(names[4..7].Select(SqsNode.QueueUrl), second.QueueUrls);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1001)]
    [InlineData(-1)]
    public async Task MaxResults_outside_1_to_1000_is_InvalidParameterValue(int maxResults)
    {
        await using var node = await SqsNode.StartAsync();
        var sqs = node.Client();

        await GenericErrorAsync("InvalidParameterValue", () => sqs.ListQueuesAsync(new ListQueuesRequest { MaxResults = maxResults }, Ct));
    }

    [Fact]
    public async Task A_token_that_is_not_one_of_ours_is_InvalidParameterValue()
    {
        await using var node = await SqsNode.StartAsync();
        var sqs = node.Client();

        await GenericErrorAsync("InvalidParameterValue",
            () => sqs.ListQueuesAsync(new ListQueuesRequest { MaxResults = 5, NextToken = "!!not base64!!" }, Ct));
    }

    [Fact]
    public async Task Dead_letter_sources_are_the_queues_whose_redrive_policy_targets_the_queue()
    {
        await using var node = await SqsNode.StartAsync();
        var sqs = node.Client();
        foreach (var name in new[] { "src-b", "src-a" })
        {
            await sqs.CreateQueueAsync(new CreateQueueRequest { QueueName = name, Attributes = new() { ["RedrivePolicy"] = Redrive("q-dead", 2) } }, Ct);
        }

        await sqs.CreateQueueAsync("unrelated", Ct);
        // Made natively: the same dead_letter setting, whichever door set it.
        await NativeCreateAsync(node, "src-native", """{"dead_letter":"q-dead","max_tries":5}""");
        await NativeCreateAsync(node, "elsewhere", """{"dead_letter":"unrelated"}""");

        var sources = await sqs.ListDeadLetterSourceQueuesAsync(new ListDeadLetterSourceQueuesRequest { QueueUrl = SqsNode.QueueUrl("q-dead") }, Ct);

        Assert.Equal(["src-a", "src-b", "src-native"], sources.QueueUrls.Select(u => u[(u.LastIndexOf('/') + 1)..]));
        Assert.Empty((await sqs.ListDeadLetterSourceQueuesAsync(new() { QueueUrl = SqsNode.QueueUrl("q") }, Ct)).QueueUrls ?? []);
    }

    [Fact]
    public async Task Dead_letter_sources_page_like_ListQueues()
    {
        await using var node = await SqsNode.StartAsync();
        foreach (var name in new[] { "s1", "s2", "s3" })
            await NativeCreateAsync(node, name, """{"dead_letter":"q-dead"}""");
        var sqs = node.Client();

        var first = await sqs.ListDeadLetterSourceQueuesAsync(new() { QueueUrl = SqsNode.QueueUrl("q-dead"), MaxResults = 2 }, Ct);
        var second = await sqs.ListDeadLetterSourceQueuesAsync(
            new() { QueueUrl = SqsNode.QueueUrl("q-dead"), MaxResults = 2, NextToken = first.NextToken }, Ct);

        Assert.Equal([SqsNode.QueueUrl("s1"), SqsNode.QueueUrl("s2")], first.QueueUrls);
        Assert.Equal([SqsNode.QueueUrl("s3")], second.QueueUrls);
        Assert.Null(second.NextToken);
    }

    [Fact]
    public async Task Dead_letter_sources_of_a_missing_queue_is_QueueDoesNotExist()
    {
        await using var node = await SqsNode.StartAsync();
        var sqs = node.Client();

        await ErrorAsync<QueueDoesNotExistException>("AWS.SimpleQueueService.NonExistentQueue",
            () => sqs.ListDeadLetterSourceQueuesAsync(new() { QueueUrl = SqsNode.QueueUrl("nowhere") }, Ct));
    }
}
