using Amazon.SQS;
using Amazon.SQS.Model;
using static Spartan.Sqs.Tests.Messages.Steps;

namespace Spartan.Sqs.Tests.Messages;

/// <summary>Visibility timeouts (SPEC §2.5, §11): a receive's VisibilityTimeout bounds its reservation, an expiry
/// redelivers under a new handle, an old handle deletes nothing, and ChangeMessageVisibility extends or ends it.</summary>
public sealed class VisibilityTests
{
    [Fact]
    public async Task An_expired_message_is_redelivered_under_a_new_handle_and_the_old_one_deletes_nothing()
    {
        await using var node = await SqsNode.StartAsync();
        var sqs = node.Client();
        var sent = await sqs.SendMessageAsync(Q, "x", Ct);
        var first = await sqs.ReceiveOneAsync(Q, visibility: 10);

        node.Node.Advance(9);
        Assert.Empty(await sqs.ReceiveNowAsync(Q));
        node.Node.Advance(2);
        var second = await sqs.ReceiveOneAsync(Q, visibility: 10);

        Assert.Equal(sent.MessageId, second.MessageId);
        Assert.NotEqual(first.ReceiptHandle, second.ReceiptHandle);
        Assert.Equal("2", second.Attributes["ApproximateReceiveCount"]);

        await sqs.DeleteMessageAsync(Q, first.ReceiptHandle, Ct);
        Assert.Equal(1, await node.SizeAsync("q"));
        var size = await TestNode.ReadAsync(await node.Node.SendAsync(HttpMethod.Get, "/q/size"));
        Assert.Equal(1, size.GetProperty("size").GetInt32());

        await sqs.DeleteMessageAsync(Q, second.ReceiptHandle, Ct);
        Assert.Equal(0, await node.SizeAsync("q"));
    }

    [Fact]
    public async Task Without_a_visibility_timeout_the_queues_own_applies()
    {
        await using var node = await SqsNode.StartAsync();
        var sqs = node.Client();
        var url = await sqs.CreateAsync("slow", new() { ["VisibilityTimeout"] = "40" });
        await sqs.SendMessageAsync(url, "x", Ct);
        await sqs.ReceiveOneAsync(url);

        node.Node.Advance(39);
        Assert.Empty(await sqs.ReceiveNowAsync(url));
        node.Node.Advance(2);
        Assert.Single(await sqs.ReceiveNowAsync(url));
    }

    [Fact]
    public async Task Change_visibility_extends_a_reservation_from_now()
    {
        await using var node = await SqsNode.StartAsync();
        var sqs = node.Client();
        await sqs.SendMessageAsync(Q, "x", Ct);
        var message = await sqs.ReceiveOneAsync(Q, visibility: 10);

        node.Node.Advance(5);
        await sqs.ChangeMessageVisibilityAsync(Q, message.ReceiptHandle, 30, Ct);

        node.Node.Advance(20); // 25 s after the receive: past its own 10 s, within the new 30 s
        Assert.Empty(await sqs.ReceiveNowAsync(Q));
        node.Node.Advance(11);
        var again = await sqs.ReceiveOneAsync(Q);
        Assert.Equal(message.MessageId, again.MessageId);
    }

    [Fact]
    public async Task Change_visibility_to_zero_hands_the_message_back_at_once()
    {
        await using var node = await SqsNode.StartAsync();
        var sqs = node.Client();
        await sqs.SendMessageAsync(Q, "x", Ct);
        var message = await sqs.ReceiveOneAsync(Q, visibility: 600);

        await sqs.ChangeMessageVisibilityAsync(Q, message.ReceiptHandle, 0, Ct);

        var again = await sqs.ReceiveOneAsync(Q);
        Assert.Equal(message.MessageId, again.MessageId);
        Assert.Equal("2", again.Attributes["ApproximateReceiveCount"]);
    }

    [Fact]
    public async Task Change_visibility_of_a_deleted_message_is_not_in_flight()
    {
        await using var node = await SqsNode.StartAsync();
        var sqs = node.Client();
        await sqs.SendMessageAsync(Q, "x", Ct);
        var message = await sqs.ReceiveOneAsync(Q);
        await sqs.DeleteMessageAsync(Q, message.ReceiptHandle, Ct);

        var error = await Assert.ThrowsAsync<MessageNotInflightException>(() => sqs.ChangeMessageVisibilityAsync(Q, message.ReceiptHandle, 30, Ct));

        Assert.Equal("AWS.SimpleQueueService.MessageNotInflight", error.ErrorCode);
    }

    [Theory]
    [InlineData(30)]
    [InlineData(0)]
    public async Task Change_visibility_after_the_reservation_expired_is_not_in_flight_and_leaves_the_message_visible(int timeout)
    {
        await using var node = await SqsNode.StartAsync();
        var sqs = node.Client();
        await sqs.SendMessageAsync(Q, "x", Ct);
        var message = await sqs.ReceiveOneAsync(Q, visibility: 10);
        node.Node.Advance(11);

        var error = await Assert.ThrowsAsync<MessageNotInflightException>(() => sqs.ChangeMessageVisibilityAsync(Q, message.ReceiptHandle, timeout, Ct));

        Assert.Equal("AWS.SimpleQueueService.MessageNotInflight", error.ErrorCode);
        Assert.Equal(message.MessageId, (await sqs.ReceiveOneAsync(Q)).MessageId);
    }

    [Fact]
    public async Task Change_visibility_with_the_handle_of_a_message_handed_back_is_not_in_flight()
    {
        await using var node = await SqsNode.StartAsync();
        var sqs = node.Client();
        await sqs.SendMessageAsync(Q, "x", Ct);
        var message = await sqs.ReceiveOneAsync(Q, visibility: 600);
        await sqs.ChangeMessageVisibilityAsync(Q, message.ReceiptHandle, 0, Ct);

        await Assert.ThrowsAsync<MessageNotInflightException>(() => sqs.ChangeMessageVisibilityAsync(Q, message.ReceiptHandle, 600, Ct));

        Assert.Single(await sqs.ReceiveNowAsync(Q));
    }

    [Fact]
    public async Task Change_visibility_with_a_superseded_handle_leaves_the_newer_reservation_alone()
    {
        await using var node = await SqsNode.StartAsync();
        var sqs = node.Client();
        await sqs.SendMessageAsync(Q, "x", Ct);
        var old = await sqs.ReceiveOneAsync(Q, visibility: 10);
        node.Node.Advance(11);
        await sqs.ReceiveOneAsync(Q, visibility: 10);

        var error = await Assert.ThrowsAnyAsync<AmazonSQSException>(() => sqs.ChangeMessageVisibilityAsync(Q, old.ReceiptHandle, 0, Ct));

        Assert.Equal("InvalidParameterValue", error.ErrorCode);
        Assert.Empty(await sqs.ReceiveNowAsync(Q));
    }

    [Theory]
    [InlineData("not-a-handle")]
    [InlineData("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdeg")]
    [InlineData("AQEBwOHJSwLgisMDyCK1AFH5FUd9+8HtNECZNi23w3QkdI4lR6Ey4YRXZM0wj8XR6Q9xHXDBRX0l9PWs")]
    public async Task A_malformed_handle_is_invalid_for_change_visibility_and_delete(string handle)
    {
        await using var node = await SqsNode.StartAsync();
        var sqs = node.Client();

        var change = await Assert.ThrowsAsync<ReceiptHandleIsInvalidException>(() => sqs.ChangeMessageVisibilityAsync(Q, handle, 30, Ct));
        var delete = await Assert.ThrowsAsync<ReceiptHandleIsInvalidException>(() => sqs.DeleteMessageAsync(Q, handle, Ct));

        Assert.Equal("ReceiptHandleIsInvalid", change.ErrorCode);
        Assert.Equal("ReceiptHandleIsInvalid", delete.ErrorCode);
    }

    [Fact]
    public async Task A_visibility_change_out_of_range_changes_nothing()
    {
        await using var node = await SqsNode.StartAsync();
        var sqs = node.Client();
        await sqs.SendMessageAsync(Q, "x", Ct);
        var message = await sqs.ReceiveOneAsync(Q, visibility: 10);

        var error = await Assert.ThrowsAnyAsync<AmazonSQSException>(() => sqs.ChangeMessageVisibilityAsync(Q, message.ReceiptHandle, 43_201, Ct));

        Assert.Equal("InvalidParameterValue", error.ErrorCode);
        node.Node.Advance(11);
        Assert.Single(await sqs.ReceiveNowAsync(Q));
    }
}
