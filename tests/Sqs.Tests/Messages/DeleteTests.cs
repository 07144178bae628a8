using Amazon.SQS;
using Amazon.SQS.Model;
using static Spartan.Sqs.Tests.Messages.Steps;

namespace Spartan.Sqs.Tests.Messages;

/// <summary>DeleteMessage (SPEC §2.3–2.4, §11): the receipt handle decides, the queue is the one the URL names, and a
/// handle that no longer deletes anything is still a 200.</summary>
public sealed class DeleteTests
{
    [Fact]
    public async Task A_handle_deletes_only_in_the_queue_its_url_names()
    {
        await using var node = await SqsNode.StartAsync();
        var sqs = node.Client();
        await sqs.SendMessageAsync(Q, "x", Ct);
        var message = await sqs.ReceiveOneAsync(Q);

        var error = await Assert.ThrowsAsync<QueueDoesNotExistException>(() => sqs.DeleteMessageAsync(SqsNode.QueueUrl("nowhere"), message.ReceiptHandle, Ct));
        Assert.Equal("AWS.SimpleQueueService.NonExistentQueue", error.ErrorCode);

        // Another queue that exists: its messages are not this one's, so nothing is deleted there or here.
        await sqs.DeleteMessageAsync(Dead, message.ReceiptHandle, Ct);
        Assert.Equal(1, await node.SizeAsync("q"));
        await sqs.DeleteMessageAsync(Q, message.ReceiptHandle, Ct);
        Assert.Equal(0, await node.SizeAsync("q"));
    }

    [Fact]
    public async Task Deleting_twice_with_the_same_handle_is_a_quiet_success()
    {
        await using var node = await SqsNode.StartAsync();
        var sqs = node.Client();
        await sqs.SendMessageAsync(Q, "x", Ct);
        var message = await sqs.ReceiveOneAsync(Q);
        await sqs.DeleteMessageAsync(Q, message.ReceiptHandle, Ct);

        var again = await sqs.DeleteMessageAsync(Q, message.ReceiptHandle, Ct);

        Assert.Equal(System.Net.HttpStatusCode.OK, again.HttpStatusCode);
        Assert.Equal(0, await node.SizeAsync("q"));
    }

    [Fact]
    public async Task A_slow_consumer_may_still_delete_after_its_reservation_expired_while_nobody_received_it()
    {
        await using var node = await SqsNode.StartAsync();
        var sqs = node.Client();
        await sqs.SendMessageAsync(Q, "x", Ct);
        var message = await sqs.ReceiveOneAsync(Q, visibility: 5);
        node.Node.Advance(6);

        await sqs.DeleteMessageAsync(Q, message.ReceiptHandle, Ct);

        Assert.Equal(0, await node.SizeAsync("q"));
        Assert.Empty(await sqs.ReceiveNowAsync(Q));
    }

    [Fact]
    public async Task A_well_formed_handle_of_a_message_never_held_deletes_nothing()
    {
        await using var node = await SqsNode.StartAsync();
        var sqs = node.Client();
        await sqs.SendMessageAsync(Q, "x", Ct);
        var message = await sqs.ReceiveOneAsync(Q);
        // The same message id with a receipt it never had: well-formed, so 200, and the real reservation survives.
        var forged = message.ReceiptHandle[..32] + Guid.NewGuid().ToString("N");

        await sqs.DeleteMessageAsync(Q, forged, Ct);
        await sqs.DeleteMessageAsync(Q, Guid.NewGuid().ToString("N") + Guid.NewGuid().ToString("N"), Ct);

        Assert.Equal(1, await node.SizeAsync("q"));
        await sqs.DeleteMessageAsync(Q, message.ReceiptHandle, Ct);
        Assert.Equal(0, await node.SizeAsync("q"));
    }

    [Fact]
    public async Task A_message_pushed_natively_is_deleted_with_the_handle_an_sqs_receive_gave()
    {
        await using var node = await SqsNode.StartAsync();
        var sqs = node.Client();
        var id = await node.Node.PushAsync("q");
        var message = await sqs.ReceiveOneAsync(Q);
        Assert.Equal(id.ToString("D"), message.MessageId);

        await sqs.DeleteMessageAsync(Q, message.ReceiptHandle, Ct);

        var get = await node.Node.SendAsync(HttpMethod.Get, $"/q/messages/{id}");
        Assert.Equal(System.Net.HttpStatusCode.NotFound, get.StatusCode);
    }

    [Fact]
    public async Task An_empty_handle_is_a_missing_parameter()
    {
        await using var node = await SqsNode.StartAsync();

        var error = await Assert.ThrowsAnyAsync<AmazonSQSException>(() => node.Client().DeleteMessageAsync(new DeleteMessageRequest { QueueUrl = Q, ReceiptHandle = "" }, Ct));

        Assert.Equal("MissingParameter", error.ErrorCode);
    }
}
