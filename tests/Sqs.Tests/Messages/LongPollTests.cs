using Amazon.SQS;
using Amazon.SQS.Model;
using static Spartan.Sqs.Tests.Messages.Steps;

namespace Spartan.Sqs.Tests.Messages;

/// <summary>ReceiveMessage's long poll (SPEC §11 over §3.2): a parked receive wakes on a send, ends empty when its wait
/// runs out on the fake clock, and takes its default wait from the queue's ReceiveMessageWaitTimeSeconds.</summary>
public sealed class LongPollTests
{
    private static Task<List<Message>> Bounded(Task<List<Message>> receive) => receive.WaitAsync(TimeSpan.FromSeconds(10), Ct);

    [Fact]
    public async Task A_send_wakes_a_parked_receive_at_once()
    {
        await using var node = await SqsNode.StartAsync();
        var sqs = node.Client();
        var receive = sqs.ReceiveAsync(new ReceiveMessageRequest { QueueUrl = Q, WaitTimeSeconds = 5, MaxNumberOfMessages = 10 });
        await node.Node.WaitParkedAsync(1);
        Assert.False(receive.IsCompleted);

        var sent = await node.Client().SendMessageAsync(Q, "wake up", Ct);

        var message = Assert.Single(await Bounded(receive));
        Assert.Equal((sent.MessageId, "wake up"), (message.MessageId, message.Body));
        await node.Node.WaitParkedAsync(0);
    }

    [Fact]
    public async Task A_wait_that_runs_out_answers_no_messages()
    {
        await using var node = await SqsNode.StartAsync();
        var receive = node.Client().ReceiveAsync(new ReceiveMessageRequest { QueueUrl = Q, WaitTimeSeconds = 5 });
        await node.Node.WaitParkedAsync(1);

        node.Node.Advance(4.9);
        await node.Node.WaitParkedAsync(1);
        Assert.False(receive.IsCompleted);
        node.Node.Advance(0.2);

        Assert.Empty(await Bounded(receive));
        await node.Node.WaitParkedAsync(0);
    }

    [Fact]
    public async Task The_queues_receive_wait_is_the_default_and_an_explicit_zero_overrides_it()
    {
        await using var node = await SqsNode.StartAsync();
        var sqs = node.Client();
        var url = await sqs.CreateAsync("patient", new() { ["ReceiveMessageWaitTimeSeconds"] = "10" });

        Assert.Empty(await sqs.ReceiveAsync(new ReceiveMessageRequest { QueueUrl = url, WaitTimeSeconds = 0 }));

        var receive = sqs.ReceiveAsync(new ReceiveMessageRequest { QueueUrl = url });
        await node.Node.WaitParkedAsync(1);
        node.Node.Advance(9.9);
        await node.Node.WaitParkedAsync(1);
        Assert.False(receive.IsCompleted);

        await sqs.SendMessageAsync(url, "late", Ct);
        Assert.Equal("late", Assert.Single(await Bounded(receive)).Body);
    }

    [Fact]
    public async Task A_parked_batch_receive_is_woken_by_a_batch_send_and_nothing_is_lost()
    {
        await using var node = await SqsNode.StartAsync();
        var sqs = node.Client();
        var receive = sqs.ReceiveAsync(new ReceiveMessageRequest { QueueUrl = Q, WaitTimeSeconds = 20, MaxNumberOfMessages = 10 });
        await node.Node.WaitParkedAsync(1);

        await sqs.SendMessageBatchAsync(Q, [new("a", "1"), new("b", "2"), new("c", "3")], Ct);

        var got = await Bounded(receive);
        Assert.InRange(got.Count, 1, 3);
        var rest = await sqs.ReceiveNowAsync(Q, max: 10);
        Assert.Equal(["1", "2", "3"], got.Concat(rest).Select(m => m.Body).Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData(21, 1)]
    [InlineData(-1, 1)]
    [InlineData(0, 0)]
    [InlineData(0, 11)]
    [InlineData(0, -1)]
    public async Task A_wait_or_a_count_out_of_range_is_an_invalid_parameter(int wait, int count)
    {
        await using var node = await SqsNode.StartAsync();

        var error = await Assert.ThrowsAnyAsync<AmazonSQSException>(() => node.Client().ReceiveMessageAsync(
            new ReceiveMessageRequest { QueueUrl = Q, WaitTimeSeconds = wait, MaxNumberOfMessages = count }, Ct));

        Assert.Equal("InvalidParameterValue", error.ErrorCode);
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, error.StatusCode);
        Assert.Equal(0, node.Node.Broker.ParkedConsumers);
    }

    [Fact]
    public async Task A_visibility_timeout_out_of_range_is_an_invalid_parameter()
    {
        await using var node = await SqsNode.StartAsync();
        await node.Client().SendMessageAsync(Q, "x", Ct);

        var error = await Assert.ThrowsAnyAsync<AmazonSQSException>(() => node.Client().ReceiveMessageAsync(
            new ReceiveMessageRequest { QueueUrl = Q, VisibilityTimeout = 43_201 }, Ct));

        Assert.Equal("InvalidParameterValue", error.ErrorCode);
        Assert.Single(await node.Client().ReceiveNowAsync(Q));
    }
}
