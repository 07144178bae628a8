using Amazon.SQS.Model;
using static Spartan.Sqs.Tests.Messages.Steps;

namespace Spartan.Sqs.Tests.Messages;

/// <summary>How often SQS redelivers (SPEC §11): without a queue <c>max_tries</c> until the message is deleted, as SQS
/// does; with a RedrivePolicy until maxReceiveCount receives, then into the dead-letter queue, types and all.</summary>
public sealed class RedeliveryTests
{
    [Fact]
    public async Task A_message_sent_through_sqs_is_redelivered_until_deleted_and_outlives_the_gc()
    {
        await using var node = await SqsNode.StartAsync("queues = [\"q\", \"q-dead\"]\ngc_timer = 5\n");
        var sqs = node.Client();
        var sent = await sqs.SendMessageAsync(Q, "again", Ct);

        for (var receive = 1; receive <= 6; receive++)
        {
            var message = await sqs.ReceiveOneAsync(Q, visibility: 2);
            Assert.Equal(sent.MessageId, message.MessageId);
            Assert.Equal(receive.ToString(System.Globalization.CultureInfo.InvariantCulture), message.Attributes["ApproximateReceiveCount"]);
            // Several GC periods pass while it sits expired.
            node.Node.Advance(3);
            node.Node.Advance(3);
        }

        Assert.Equal(1, await node.SizeAsync("q"));
        Assert.Equal(0, await node.SizeAsync("q-dead"));
        Assert.Equal(0, (await node.Node.Broker.CountAsync("q")).Exhausted);
        Assert.Single(await sqs.ReceiveNowAsync(Q));
    }

    [Fact]
    public async Task A_native_push_keeps_the_native_default_of_one_try()
    {
        // The contrast that shows the unlimited tries above come from the SQS door, not from the queue.
        await using var node = await SqsNode.StartAsync("queues = [\"q\", \"q-dead\"]\n[queue_settings.q]\ndead_letter = \"q-dead\"\n");
        var sqs = node.Client();
        await node.Node.PushAsync("q");
        await sqs.SendMessageAsync(Q, "sqs", Ct);

        Assert.Equal(2, (await sqs.ReceiveNowAsync(Q, visibility: 2, max: 10)).Count);
        node.Node.Advance(3);

        var left = Assert.Single(await sqs.ReceiveNowAsync(Q, max: 10));
        // A queue with a dead_letter but no max_tries: SQS messages still never exhaust.
        Assert.Equal("sqs", left.Body);
        Assert.Equal("hello", (await sqs.ReceiveOneAsync(Dead)).Body);
    }

    [Fact]
    public async Task A_redrive_policy_moves_the_message_to_its_dead_letter_queue_after_max_receives_keeping_its_types()
    {
        await using var node = await SqsNode.StartAsync();
        var sqs = node.Client();
        var dlq = await sqs.CreateAsync("work-dlq");
        var arn = (await sqs.GetQueueAttributesAsync(dlq, ["QueueArn"], Ct)).Attributes["QueueArn"];
        var work = await sqs.CreateAsync("work", new()
        {
            ["RedrivePolicy"] = $$"""{"deadLetterTargetArn":"{{arn}}","maxReceiveCount":"2"}""",
        });
        byte[] packed = [9, 8, 7];
        var sent = await sqs.SendMessageAsync(new SendMessageRequest
        {
            QueueUrl = work,
            MessageBody = "poison",
            MessageAttributes = new()
            {
                ["doc"] = Text("{}", "String.json"),
                ["zip"] = Bytes(packed, "Binary.gzip"),
                ["n"] = Text("2", "Number"),
            },
        }, Ct);

        for (var receive = 1; receive <= 2; receive++)
        {
            Assert.Equal(sent.MessageId, (await sqs.ReceiveOneAsync(work, visibility: 5)).MessageId);
            node.Node.Advance(6);
        }

        Assert.Empty(await sqs.ReceiveNowAsync(work));
        var dead = await sqs.ReceiveOneAsync(dlq);
        Assert.Equal((sent.MessageId, "poison"), (dead.MessageId, dead.Body));
        Assert.Equal(["doc", "n", "zip"], dead.MessageAttributes.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("String.json", dead.MessageAttributes["doc"].DataType);
        Assert.Equal("Number", dead.MessageAttributes["n"].DataType);
        Assert.Equal("Binary.gzip", dead.MessageAttributes["zip"].DataType);
        Assert.Equal(packed, dead.MessageAttributes["zip"].BinaryValue.ToArray());
        Assert.Equal(sent.MD5OfMessageAttributes, dead.MD5OfMessageAttributes);
        Assert.Equal("1", dead.Attributes["ApproximateReceiveCount"]);
        Assert.Equal(0, await node.SizeAsync("work"));
    }

    [Fact]
    public async Task A_native_redrive_brings_a_dead_letter_back_with_its_types_and_without_the_dead_letter_notes()
    {
        await using var node = await SqsNode.StartAsync("queues = [\"q\", \"q-dead\"]\n[queue_settings.q]\ndead_letter = \"q-dead\"\nmax_tries = 1\n");
        var sqs = node.Client();
        var sent = await sqs.SendMessageAsync(new SendMessageRequest
        {
            QueueUrl = Q,
            MessageBody = "back",
            MessageAttributes = new() { ["bin"] = Bytes([1, 2], "Binary.raw"), ["n"] = Text("5", "Number") },
        }, Ct);
        await sqs.ReceiveOneAsync(Q, visibility: 1);
        node.Node.Advance(2);
        Assert.Equal(1, await node.SizeAsync("q-dead"));

        var moved = await TestNode.ReadAsync(await node.Node.SendAsync(HttpMethod.Post, "/q/redrive"));
        Assert.Equal(1, moved.GetProperty("moved").GetInt32());

        // The types live in a spartan.sqs.* attribute: a redrive drops only the dead-letter notes, never them.
        var message = await sqs.ReceiveOneAsync(Q);
        Assert.Equal(sent.MessageId, message.MessageId);
        Assert.Equal(["bin", "n"], message.MessageAttributes.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(("Binary.raw", "Number"), (message.MessageAttributes["bin"].DataType, message.MessageAttributes["n"].DataType));
        Assert.Equal(sent.MD5OfMessageAttributes, message.MD5OfMessageAttributes);
        var stored = await TestNode.ReadAsync(await node.Node.SendAsync(HttpMethod.Get, $"/q/messages/{sent.MessageId}"));
        Assert.DoesNotContain(stored.GetProperty("attributes").EnumerateObject(), a => a.Name.StartsWith("spartan.dead_letter", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Handing_back_a_message_with_no_receives_left_dead_letters_it()
    {
        await using var node = await SqsNode.StartAsync();
        var sqs = node.Client();
        var dlq = await sqs.CreateAsync("once-dlq");
        var arn = (await sqs.GetQueueAttributesAsync(dlq, ["QueueArn"], Ct)).Attributes["QueueArn"];
        var once = await sqs.CreateAsync("once", new() { ["RedrivePolicy"] = $$"""{"deadLetterTargetArn":"{{arn}}","maxReceiveCount":1}""" });
        await sqs.SendMessageAsync(once, "x", Ct);

        var message = await sqs.ReceiveOneAsync(once, visibility: 600);
        await sqs.ChangeMessageVisibilityAsync(once, message.ReceiptHandle, 0, Ct);

        Assert.Empty(await sqs.ReceiveNowAsync(once));
        Assert.Equal(message.MessageId, (await sqs.ReceiveOneAsync(dlq)).MessageId);
    }
}
