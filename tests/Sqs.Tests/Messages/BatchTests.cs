using System.Net;
using Amazon.SQS;
using Amazon.SQS.Model;
using static Spartan.Sqs.Tests.Messages.Steps;

namespace Spartan.Sqs.Tests.Messages;

/// <summary>The batch actions (SPEC §11): a bad entry fails alone and the request is still 200; a bad batch (none or too
/// many entries, a repeated or malformed id, too many bytes) fails whole with its own AWS error.</summary>
public sealed class BatchTests
{
    [Fact]
    public async Task A_send_batch_accepts_the_good_entries_and_reports_each_bad_one()
    {
        await using var node = await SqsNode.StartAsync();
        var sqs = node.Client();

        var reply = await sqs.SendMessageBatchAsync(new SendMessageBatchRequest
        {
            QueueUrl = Q,
            Entries =
            [
                new("a", "plain"),
                new("b", "typed") { MessageAttributes = new() { ["n"] = Text("1.5", "Number"), ["bin"] = Bytes([7], "Binary.x") } },
                new("bad-attribute", "x") { MessageAttributes = new() { ["n"] = Text("not a number", "Number") } },
                new("c", "späte ✓") { DelaySeconds = 0, MessageAttributes = new() { ["s"] = Text("v", "String.label") } },
                new("empty", ""),
            ],
        }, Ct);

        Assert.Equal(HttpStatusCode.OK, reply.HttpStatusCode);
        Assert.Equal(["a", "b", "c"], reply.Successful.Select(s => s.Id).Order(StringComparer.Ordinal));
        Assert.Null(reply.Successful.Single(s => s.Id == "a").MD5OfMessageAttributes);
        Assert.NotNull(reply.Successful.Single(s => s.Id == "b").MD5OfMessageAttributes);
        Assert.Equal(["bad-attribute", "empty"], reply.Failed.Select(f => f.Id).Order(StringComparer.Ordinal));
        Assert.All(reply.Failed, f =>
        {
            Assert.True(f.SenderFault);
            Assert.Equal("InvalidParameterValue", f.Code);
            Assert.False(string.IsNullOrEmpty(f.Message));
        });

        var bodies = (await sqs.ReceiveNowAsync(Q, max: 10)).Select(m => m.Body);
        Assert.Equal(["plain", "späte ✓", "typed"], bodies.Order(StringComparer.Ordinal));
        Assert.Equal(3, await node.SizeAsync("q"));
    }

    public static TheoryData<string, string, string> BatchErrors() => new()
    {
        { "", "EmptyBatchRequestException", "AWS.SimpleQueueService.EmptyBatchRequest" },
        { "1,2,3,4,5,6,7,8,9,10,11", "TooManyEntriesInBatchRequestException", "AWS.SimpleQueueService.TooManyEntriesInBatchRequest" },
        { "a,b,a", "BatchEntryIdsNotDistinctException", "AWS.SimpleQueueService.BatchEntryIdsNotDistinct" },
        { "a,with space", "InvalidBatchEntryIdException", "AWS.SimpleQueueService.InvalidBatchEntryId" },
        { "a," + new string('x', 81), "InvalidBatchEntryIdException", "AWS.SimpleQueueService.InvalidBatchEntryId" },
    };

    [Theory]
    [MemberData(nameof(BatchErrors))]
    public async Task A_malformed_batch_fails_whole_in_every_batch_action(string ids, string exception, string code)
    {
        await using var node = await SqsNode.StartAsync();
        var sqs = node.Client();
        await sqs.SendMessageAsync(Q, "x", Ct);
        var handle = (await sqs.ReceiveOneAsync(Q, visibility: 600)).ReceiptHandle;
        var names = ids.Length == 0 ? [] : ids.Split(',');

        List<Func<Task>> actions =
        [
            () => sqs.SendMessageBatchAsync(Q, [.. names.Select(id => new SendMessageBatchRequestEntry(id, "y"))], Ct),
            () => sqs.DeleteMessageBatchAsync(Q, [.. names.Select(id => new DeleteMessageBatchRequestEntry(id, handle))], Ct),
            () => sqs.ChangeMessageVisibilityBatchAsync(Q, [.. names.Select(id => new ChangeMessageVisibilityBatchRequestEntry(id, handle) { VisibilityTimeout = 0 })], Ct),
        ];
        foreach (var action in actions)
        {
            var error = await Assert.ThrowsAnyAsync<AmazonSQSException>(action);
            Assert.Equal(exception, error.GetType().Name);
            Assert.Equal(code, error.ErrorCode);
        }

        // None of the entries took effect: the one message is still there and still reserved.
        Assert.Equal(1, await node.SizeAsync("q"));
        Assert.Empty(await sqs.ReceiveNowAsync(Q));
    }

    [Fact]
    public async Task A_send_batch_of_too_many_bytes_fails_whole()
    {
        await using var node = await SqsNode.StartAsync();
        var sqs = node.Client();
        // Each message is within body_size (32 KiB); ten together pass the 256 KiB a batch may carry, nine do not.
        var entries = Enumerable.Range(0, 10).Select(i => new SendMessageBatchRequestEntry($"m{i}", new string('x', 27_000))).ToList();

        var error = await Assert.ThrowsAsync<BatchRequestTooLongException>(() => sqs.SendMessageBatchAsync(Q, entries, Ct));

        Assert.Equal("AWS.SimpleQueueService.BatchRequestTooLong", error.ErrorCode);
        Assert.Equal(0, await node.SizeAsync("q"));
        entries.RemoveAt(0);
        Assert.Equal(9, (await sqs.SendMessageBatchAsync(Q, entries, Ct)).Successful.Count);
    }

    [Fact]
    public async Task A_delete_batch_succeeds_for_good_and_stale_handles_and_fails_malformed_ones()
    {
        await using var node = await SqsNode.StartAsync();
        var sqs = node.Client();
        await sqs.SendMessageBatchAsync(Q, [new("1", "good"), new("2", "stale")], Ct);
        var received = await sqs.ReceiveNowAsync(Q, visibility: 10, max: 10);
        var good = received.Single(m => m.Body == "good");
        var stale = received.Single(m => m.Body == "stale");
        await sqs.ChangeMessageVisibilityAsync(Q, good.ReceiptHandle, 600, Ct);
        node.Node.Advance(11);
        var newer = await sqs.ReceiveOneAsync(Q, visibility: 600);
        Assert.Equal(stale.MessageId, newer.MessageId);

        var reply = await sqs.DeleteMessageBatchAsync(Q,
        [
            new("good", good.ReceiptHandle),
            new("stale", stale.ReceiptHandle),
            new("malformed", "nope"),
        ], Ct);

        Assert.Equal(["good", "stale"], reply.Successful.Select(s => s.Id).Order(StringComparer.Ordinal));
        var failed = Assert.Single(reply.Failed);
        Assert.Equal(("malformed", "ReceiptHandleIsInvalid", true), (failed.Id, failed.Code, failed.SenderFault));
        // Only the good handle deleted: the stale one's message belongs to its newer receiver.
        Assert.Equal(1, await node.SizeAsync("q"));
        await sqs.DeleteMessageAsync(Q, newer.ReceiptHandle, Ct);
        Assert.Equal(0, await node.SizeAsync("q"));
    }

    [Fact]
    public async Task A_change_visibility_batch_applies_the_good_entries_and_reports_each_bad_one()
    {
        await using var node = await SqsNode.StartAsync();
        var sqs = node.Client();
        await sqs.SendMessageBatchAsync(Q, [new("1", "extend"), new("2", "release"), new("3", "deleted"), new("4", "too-long")], Ct);
        var received = (await sqs.ReceiveNowAsync(Q, visibility: 10, max: 10)).ToDictionary(m => m.Body, m => m.ReceiptHandle);
        await sqs.DeleteMessageAsync(Q, received["deleted"], Ct);

        var reply = await sqs.ChangeMessageVisibilityBatchAsync(Q,
        [
            new("extend", received["extend"]) { VisibilityTimeout = 100 },
            new("release", received["release"]) { VisibilityTimeout = 0 },
            new("deleted", received["deleted"]) { VisibilityTimeout = 100 },
            new("too-long", received["too-long"]) { VisibilityTimeout = 43_201 },
            new("malformed", "0123") { VisibilityTimeout = 100 },
        ], Ct);

        Assert.Equal(["extend", "release"], reply.Successful.Select(s => s.Id).Order(StringComparer.Ordinal));
        var codes = reply.Failed.ToDictionary(f => f.Id, f => f.Code);
        Assert.Equal(3, codes.Count);
        Assert.Equal("AWS.SimpleQueueService.MessageNotInflight", codes["deleted"]);
        Assert.Equal("InvalidParameterValue", codes["too-long"]);
        Assert.Equal("ReceiptHandleIsInvalid", codes["malformed"]);
        Assert.All(reply.Failed, f => Assert.True(f.SenderFault));

        Assert.Equal("release", (await sqs.ReceiveOneAsync(Q, visibility: 600)).Body);
        node.Node.Advance(11);
        // The bad entry's message expired on its own 10 s; the extended one did not.
        Assert.Equal("too-long", (await sqs.ReceiveOneAsync(Q, visibility: 600)).Body);
        node.Node.Advance(90);
        Assert.Equal("extend", (await sqs.ReceiveOneAsync(Q)).Body);
    }
}
