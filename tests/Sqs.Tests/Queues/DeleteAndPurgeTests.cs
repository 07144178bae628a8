using Amazon.SQS.Model;
using static Spartan.Sqs.Tests.Queues.QueueKit;

namespace Spartan.Sqs.Tests.Queues;

/// <summary>PurgeQueue and DeleteQueue (SPEC §11): a native clear, and the native delete with its refusals (§10).</summary>
public sealed class DeleteAndPurgeTests
{
    [Fact]
    public async Task Purge_empties_the_queue_whatever_state_its_messages_are_in()
    {
        await using var node = await SqsNode.StartAsync();
        await PushAsync(node, "q", 3);
        await PushAsync(node, "q", 2, """{"body":"later","delay":60}""");
        using (var popped = await node.Node.SendAsync(HttpMethod.Get, "/q"))
            Assert.Equal(System.Net.HttpStatusCode.OK, popped.StatusCode);
        Assert.Equal(5, (await NativeAsync(node, "/q/size")).GetProperty("size").GetInt32());

        await node.Client().PurgeQueueAsync(SqsNode.QueueUrl("q"), Ct);

        Assert.Equal(0, (await NativeAsync(node, "/q/size")).GetProperty("size").GetInt32());
        Assert.True(node.Node.Broker.HasQueue("q"));
    }

    [Fact]
    public async Task Purging_a_missing_queue_is_QueueDoesNotExist()
    {
        await using var node = await SqsNode.StartAsync();
        var sqs = node.Client();

        await ErrorAsync<QueueDoesNotExistException>("AWS.SimpleQueueService.NonExistentQueue",
            () => sqs.PurgeQueueAsync(SqsNode.QueueUrl("nowhere"), Ct));
    }

    [Fact]
    public async Task Deleting_a_runtime_queue_removes_it_and_its_messages()
    {
        await using var node = await SqsNode.StartAsync();
        var sqs = node.Client();
        var url = (await sqs.CreateQueueAsync("orders", Ct)).QueueUrl;
        await PushAsync(node, "orders", 2);

        await sqs.DeleteQueueAsync(url, Ct);

        Assert.False(node.Node.Broker.HasQueue("orders"));
        await ErrorAsync<QueueDoesNotExistException>("AWS.SimpleQueueService.NonExistentQueue", () => sqs.GetQueueUrlAsync("orders", Ct));
        using var native = await node.Node.SendAsync(HttpMethod.Get, "/orders/size");
        Assert.Equal(System.Net.HttpStatusCode.NotFound, native.StatusCode);
        // Gone with its messages: made again, it starts empty.
        await sqs.CreateQueueAsync("orders", Ct);
        Assert.Equal(0, (await NativeAsync(node, "/orders/size")).GetProperty("size").GetInt32());
    }

    [Fact]
    public async Task Deleting_a_missing_queue_is_QueueDoesNotExist()
    {
        await using var node = await SqsNode.StartAsync();
        var sqs = node.Client();

        await ErrorAsync<QueueDoesNotExistException>("AWS.SimpleQueueService.NonExistentQueue",
            () => sqs.DeleteQueueAsync(SqsNode.QueueUrl("nowhere"), Ct));
    }

    [Fact]
    public async Task A_declared_queue_is_not_deleted()
    {
        await using var node = await SqsNode.StartAsync();
        await PushAsync(node, "q", 1);
        var sqs = node.Client();

        await GenericErrorAsync("InvalidParameterValue", () => sqs.DeleteQueueAsync(SqsNode.QueueUrl("q"), Ct));

        Assert.Equal(1, (await NativeAsync(node, "/q/size")).GetProperty("size").GetInt32());
    }

    [Fact]
    public async Task A_queue_another_names_as_its_dead_letter_queue_is_not_deleted_until_it_stops()
    {
        await using var node = await SqsNode.StartAsync();
        var sqs = node.Client();
        var dead = (await sqs.CreateQueueAsync("orders-dead", Ct)).QueueUrl;
        var orders = (await sqs.CreateQueueAsync(new CreateQueueRequest
        {
            QueueName = "orders",
            Attributes = new() { ["RedrivePolicy"] = Redrive("orders-dead", 3) },
        }, Ct)).QueueUrl;

        var refused = await GenericErrorAsync("InvalidParameterValue", () => sqs.DeleteQueueAsync(dead, Ct));
        Assert.Contains("orders", refused.Message, StringComparison.Ordinal);
        Assert.True(node.Node.Broker.HasQueue("orders-dead"));

        await sqs.SetQueueAttributesAsync(orders, new() { ["RedrivePolicy"] = "" }, Ct);
        await sqs.DeleteQueueAsync(dead, Ct);
        Assert.False(node.Node.Broker.HasQueue("orders-dead"));
    }

    [Fact]
    public async Task Without_runtime_queues_nothing_is_deleted()
    {
        await using var node = await SqsNode.StartAsync("queues = [\"q\"]\nallow_runtime_queues = false\n");
        var sqs = node.Client();

        await ErrorAsync<UnsupportedOperationException>("AWS.SimpleQueueService.UnsupportedOperation",
            () => sqs.DeleteQueueAsync(SqsNode.QueueUrl("q"), Ct));

        Assert.True(node.Node.Broker.HasQueue("q"));
    }
}
