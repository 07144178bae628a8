using System.Collections.Concurrent;
using Amazon.SQS;
using Amazon.SQS.Model;
using static Spartan.Sqs.Tests.Messages.Steps;

namespace Spartan.Sqs.Tests.Messages;

/// <summary>Many SDK consumers at once (SPEC §2.2): a reserved message is never handed to a second consumer while its
/// reservation holds, and nothing is lost between them.</summary>
public sealed class ConcurrencyTests
{
    private const int Messages = 300;
    private const int Consumers = 16;

    [Fact]
    public async Task Concurrent_batch_receivers_share_the_messages_without_duplicates_or_losses()
    {
        await using var node = await SqsNode.StartAsync();
        var producer = node.Client();
        var sent = new HashSet<string>(StringComparer.Ordinal);
        for (var batch = 0; batch < Messages / 10; batch++)
        {
            var entries = Enumerable.Range(0, 10).Select(i => new SendMessageBatchRequestEntry($"e{i}", $"m{batch * 10 + i}")).ToList();
            var reply = await producer.SendMessageBatchAsync(Q, entries, Ct);
            Assert.Empty(reply.Failed ?? []);
            foreach (var ok in reply.Successful) Assert.True(sent.Add(ok.MessageId));
        }

        var received = new ConcurrentBag<Message>();
        using var start = new SemaphoreSlim(0);
        var clients = Enumerable.Range(0, Consumers).Select(_ => node.Client()).ToArray();
        var consumers = clients.Select(sqs => Task.Run(() => ConsumeAsync(sqs, start, received), Ct)).ToArray();
        start.Release(Consumers);
        await Task.WhenAll(consumers).WaitAsync(TimeSpan.FromSeconds(60), Ct);

        var ids = received.Select(m => m.MessageId).ToList();
        Assert.Equal(Messages, ids.Count);
        Assert.Equal(sent.Order(StringComparer.Ordinal), ids.Order(StringComparer.Ordinal));
        Assert.Equal(Messages, received.Select(m => m.ReceiptHandle).Distinct(StringComparer.Ordinal).Count());
        Assert.All(received, m => Assert.Equal("1", m.Attributes["ApproximateReceiveCount"]));
        var counts = await node.Node.Broker.CountAsync("q");
        Assert.Equal((Messages, Messages, 0), (counts.Size, counts.InFlight, counts.Available));
    }

    /// <summary>Receives until the queue answers empty; nothing expires (the fake clock stands still), so an empty
    /// answer means every message is reserved. Bounded: far more rounds than 300 messages could need.</summary>
    private static async Task ConsumeAsync(IAmazonSQS sqs, SemaphoreSlim start, ConcurrentBag<Message> received)
    {
        await start.WaitAsync(Ct);
        for (var round = 0; round < Messages; round++)
        {
            var batch = await sqs.ReceiveAsync(new ReceiveMessageRequest
            {
                QueueUrl = Q,
                MaxNumberOfMessages = 10,
                WaitTimeSeconds = 0,
                VisibilityTimeout = 3600,
                MessageSystemAttributeNames = ["ApproximateReceiveCount"],
            });
            if (batch.Count == 0) return;
            foreach (var message in batch) received.Add(message);
        }

        Assert.Fail("a consumer never saw the queue empty");
    }
}
