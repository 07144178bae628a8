using System.Collections.Frozen;
using Spartan.Api.Configuration;
using Spartan.Api.Http;
using Spartan.Engine;

namespace Spartan.Api.Features.Sqs;

/// <summary>One SQS action: its name, whether a replica refuses it, and what runs it.</summary>
public sealed record SqsAction(string Name, bool Writes, Func<SqsActions, SqsRequest, Task> Run);

/// <summary>The SQS actions (SPEC §11): a thin adapter over the engine operations the native routes use, so that the
/// two doors can never disagree about a queue.</summary>
public sealed partial class SqsActions(Broker broker, SpartanConfig config, DeclaredQueues declared, QueueUrls urls, SqsLimits limits)
{
    private static readonly FrozenDictionary<string, SqsAction>.AlternateLookup<ReadOnlySpan<char>> ByName = new SqsAction[]
    {
        new("GetQueueUrl", false, static (a, r) => a.GetQueueUrlAsync(r)),
        new("CreateQueue", true, static (a, r) => a.CreateQueueAsync(r)),
        new("DeleteQueue", true, static (a, r) => a.DeleteQueueAsync(r)),
        new("ListQueues", false, static (a, r) => a.ListQueuesAsync(r)),
        new("ListDeadLetterSourceQueues", false, static (a, r) => a.ListDeadLetterSourceQueuesAsync(r)),
        new("GetQueueAttributes", false, static (a, r) => a.GetQueueAttributesAsync(r)),
        new("SetQueueAttributes", true, static (a, r) => a.SetQueueAttributesAsync(r)),
        new("PurgeQueue", true, static (a, r) => a.PurgeQueueAsync(r)),
        new("TagQueue", true, static (a, r) => a.TagQueueAsync(r)),
        new("UntagQueue", true, static (a, r) => a.UntagQueueAsync(r)),
        new("ListQueueTags", false, static (a, r) => a.ListQueueTagsAsync(r)),
        new("SendMessage", true, static (a, r) => a.SendMessageAsync(r)),
        new("SendMessageBatch", true, static (a, r) => a.SendMessageBatchAsync(r)),
        new("ReceiveMessage", true, static (a, r) => a.ReceiveMessageAsync(r)),
        new("DeleteMessage", true, static (a, r) => a.DeleteMessageAsync(r)),
        new("DeleteMessageBatch", true, static (a, r) => a.DeleteMessageBatchAsync(r)),
        new("ChangeMessageVisibility", true, static (a, r) => a.ChangeMessageVisibilityAsync(r)),
        new("ChangeMessageVisibilityBatch", true, static (a, r) => a.ChangeMessageVisibilityBatchAsync(r)),
    }.ToFrozenDictionary(a => a.Name, StringComparer.Ordinal).GetAlternateLookup<ReadOnlySpan<char>>();

    /// <summary>The action named after <c>AmazonSQS.</c>, or null.</summary>
    public static SqsAction? Find(ReadOnlySpan<char> name) => ByName.TryGetValue(name, out var action) ? action : null;

    /// <summary>The queue a <c>QueueUrl</c> names, when it exists and the caller's key covers it; otherwise
    /// <c>QueueDoesNotExist</c> either way, so that a key cannot probe which names exist.</summary>
    private string Existing(in SqsRequest request, string? queueUrl)
    {
        var name = QueueUrls.QueueOf(queueUrl);
        if (!request.Caller.Covers(name) || !broker.HasQueue(name)) throw SqsException.QueueDoesNotExist();
        return name;
    }

    /// <summary>The queue-changing actions need a wildcard key, as the native <c>/_/queues</c> routes do.</summary>
    private static void RequireWildcard(in SqsRequest request, string action)
    {
        if (!request.Caller.All)
            throw SqsException.AccessDenied($"{action} needs a key whose queues are [\"*\"].");
    }
}
