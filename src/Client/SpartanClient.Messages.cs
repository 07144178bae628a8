using System.Globalization;
using Spartan.Client.Json;

namespace Spartan.Client;

public sealed partial class SpartanClient
{
    private const string NoMessageAvailable = "No message available";
    private const string MessageNotFound = "Message not found";
    private static readonly TimeSpan MaxWait = TimeSpan.FromSeconds(20);

    /// <summary>Pushes one message and answers its id. With batching on, concurrent calls for the same queue go out
    /// together as one batch request; each call still gets its own id, or its own error. Cancelling while the call
    /// waits for its batch leaves the message out; once the batch is sent, it only stops the wait.</summary>
    public Task<Guid> PushAsync(string queue, OutgoingMessage message, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        var wire = WireMapping.ToWire(message);
        return Options.Batching ? Pusher(queue).EnqueueAsync(wire, ct) : PushOneAsync(queue, wire, ct);
    }

    /// <summary>Pushes 1 to 100 messages as one atomic batch request (<c>POST /{queue}/batch</c>): all or none. Answers
    /// the ids in the order of <paramref name="messages"/>.</summary>
    public Task<IReadOnlyList<Guid>> PushBatchAsync(string queue, IReadOnlyList<OutgoingMessage> messages, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        if (messages.Count is 0 or > 100)
            throw new ArgumentOutOfRangeException(nameof(messages), messages.Count, "A batch holds 1 to 100 messages.");
        return PushManyAsync(queue, [.. messages.Select(WireMapping.ToWire)], ct);
    }

    internal async Task<Guid> PushOneAsync(string queue, PushWire message, CancellationToken ct) =>
        (await CallAsync(HttpMethod.Post, Q(queue), Json(message, ClientJson.Default.PushWire), ClientJson.Default.IdWire, ct)
            .ConfigureAwait(false))!.Id;

    internal async Task<IReadOnlyList<Guid>> PushManyAsync(string queue, IReadOnlyList<PushWire> messages, CancellationToken ct)
    {
        var answer = await CallAsync(HttpMethod.Post, $"{Q(queue)}/batch", Json(new BatchPushWire(messages), ClientJson.Default.BatchPushWire),
            ClientJson.Default.IdsWire, ct).ConfigureAwait(false);
        return answer!.Ids.Count == messages.Count ? answer.Ids
            : throw new InvalidOperationException($"The server answered {answer.Ids.Count} ids for {messages.Count} messages.");
    }

    /// <summary>Reserves the next visible message, waiting up to <paramref name="wait"/> (at most 20 s) for one to become
    /// visible; null when none did. <paramref name="visibilityTimeout"/> sets this reservation's length instead of the
    /// message's own timeout.</summary>
    public async Task<ReceivedMessage?> PopAsync(string queue, TimeSpan? wait = null, TimeSpan? visibilityTimeout = null,
        CancellationToken ct = default)
    {
        var path = Q(queue) + Query(null, wait, visibilityTimeout);
        var message = await CallAsync(HttpMethod.Get, path, null, ClientJson.Default.MessageWire, ct, wait: wait ?? default,
            nullWhen: NoMessageAvailable).ConfigureAwait(false);
        return message is null ? null : WireMapping.ToReceived(queue, message);
    }

    /// <summary>Reserves up to <paramref name="count"/> (1…100) visible messages, waiting up to <paramref name="wait"/>
    /// for at least one; an empty list when none became visible.</summary>
    public async Task<IReadOnlyList<ReceivedMessage>> PopBatchAsync(string queue, int count, TimeSpan? wait = null,
        TimeSpan? visibilityTimeout = null, CancellationToken ct = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, 100);
        var path = $"{Q(queue)}/batch" + Query(count, wait, visibilityTimeout);
        var answer = await CallAsync(HttpMethod.Get, path, null, ClientJson.Default.MessagesWire, ct, wait: wait ?? default)
            .ConfigureAwait(false);
        return [.. answer!.Messages.Select(m => WireMapping.ToReceived(queue, m))];
    }

    /// <summary>Acknowledges a received message: deletes it with its receipt, so that it cannot delete a reservation
    /// another consumer took since (<see cref="StaleReceiptException"/>). Batched like pushes when batching is on.</summary>
    public async Task DeleteAsync(ReceivedMessage message, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        await Completing(message, DeleteAsync(message.Queue, message.Id, message.Receipt, ct)).ConfigureAwait(false);
    }

    /// <summary>Deletes a message by id, in any state; with a receipt, only while that receipt is the message's latest.
    /// Batched like pushes when batching is on.</summary>
    public Task DeleteAsync(string queue, Guid id, string? receipt = null, CancellationToken ct = default) =>
        Options.Batching ? Deleter(queue).EnqueueAsync(new MessageReference(id, receipt), ct) : RemoveAsync(queue, id, receipt, ct);

    /// <summary>Deletes one message as one request (<c>DELETE /{queue}</c>, never batched) and answers it as it was.</summary>
    public async Task<QueueMessage> RemoveAsync(string queue, Guid id, string? receipt = null, CancellationToken ct = default)
    {
        var answer = await CallAsync(HttpMethod.Delete, Q(queue), Json(new MessageIdWire(id, receipt), ClientJson.Default.MessageIdWire),
            ClientJson.Default.DeletedMessageWire, ct, messageId: id).ConfigureAwait(false);
        return WireMapping.ToMessage(queue, answer!.Message);
    }

    /// <summary>Deletes 1 to 100 messages as one request (<c>DELETE /{queue}/batch</c>), each with its receipt when it
    /// has one; answers which were deleted, not found, or left alone because their receipt was stale.</summary>
    public async Task<BatchDeleteResult> DeleteBatchAsync(string queue, IReadOnlyList<MessageReference> messages, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        if (messages.Count is 0 or > 100)
            throw new ArgumentOutOfRangeException(nameof(messages), messages.Count, "A batch holds 1 to 100 ids.");
        var wire = new BatchDeleteWire([.. messages.Select(m => m.Id)], [.. messages.Select(m => m.Receipt)]);
        var answer = await CallAsync(HttpMethod.Delete, $"{Q(queue)}/batch", Json(wire, ClientJson.Default.BatchDeleteWire),
            ClientJson.Default.BatchDeleteAnswerWire, ct).ConfigureAwait(false);
        return new BatchDeleteResult(answer!.Deleted ?? [], answer.NotFound ?? [], answer.Stale ?? []);
    }

    /// <summary>Hands a received message back: it becomes visible now (or, without tries left, is dead-lettered).</summary>
    public async Task RequeueAsync(ReceivedMessage message, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        await Completing(message, RequeueAsync(message.Queue, message.Id, message.Receipt, ct)).ConfigureAwait(false);
    }

    /// <summary>Hands a reservation back by id, optionally naming it by its receipt.</summary>
    public Task RequeueAsync(string queue, Guid id, string? receipt = null, CancellationToken ct = default) =>
        CallAsync(HttpMethod.Post, $"{Q(queue)}/requeue", Json(new MessageIdWire(id, receipt), ClientJson.Default.MessageIdWire), ct, id);

    /// <summary>Extends a received message's reservation from now, with a new length when <paramref name="timeout"/> is
    /// given; answers the message as it is now (same receipt).</summary>
    public async Task<ReceivedMessage> TouchAsync(ReceivedMessage message, TimeSpan? timeout = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        var answer = await TouchCoreAsync(message.Queue, message.Id, message.Receipt, timeout, ct).ConfigureAwait(false);
        var touched = WireMapping.ToReceived(message.Queue, answer, message.Receipt);
        touched.Lease = message.Lease;
        message.Lease?.Touched(touched.Timeout);
        return touched;
    }

    internal async Task<MessageWire> TouchCoreAsync(string queue, Guid id, string receipt, TimeSpan? timeout, CancellationToken ct) =>
        (await CallAsync(HttpMethod.Post, $"{Q(queue)}/touch",
            Json(new TouchWire(id, receipt, WireMapping.Seconds(timeout)), ClientJson.Default.TouchWire),
            ClientJson.Default.MessageWire, ct, messageId: id).ConfigureAwait(false))!;

    /// <summary>The message pop would return, without reserving it; null when none is visible.</summary>
    public async Task<QueueMessage?> PeekAsync(string queue, CancellationToken ct = default)
    {
        var message = await CallAsync(HttpMethod.Get, $"{Q(queue)}/peek", null, ClientJson.Default.MessageWire, ct,
            idempotent: true, nullWhen: NoMessageAvailable).ConfigureAwait(false);
        return message is null ? null : WireMapping.ToMessage(queue, message);
    }

    /// <summary>One message in any state; null when the queue holds no message with this id.</summary>
    public async Task<QueueMessage?> GetMessageAsync(string queue, Guid id, CancellationToken ct = default)
    {
        var message = await CallAsync(HttpMethod.Get, $"{Q(queue)}/messages/{id}", null, ClientJson.Default.MessageWire, ct,
            idempotent: true, nullWhen: MessageNotFound).ConfigureAwait(false);
        return message is null ? null : WireMapping.ToMessage(queue, message);
    }

    /// <summary>Ends the visibility extension of a message once the server has answered for it, whatever it answered;
    /// a transport failure leaves it extended, since the caller may try again.</summary>
    private static async Task Completing(ReceivedMessage message, Task call)
    {
        try
        {
            await call.ConfigureAwait(false);
            message.Lease?.Complete();
        }
        catch (SpartanException)
        {
            message.Lease?.Complete();
            throw;
        }
    }

    private static string Query(int? count, TimeSpan? wait, TimeSpan? visibilityTimeout)
    {
        var parts = new List<string>(3);
        if (count is { } c) parts.Add(string.Create(CultureInfo.InvariantCulture, $"count={c}"));
        if (wait is { } w)
        {
            if (w < TimeSpan.Zero || w > MaxWait) throw new ArgumentOutOfRangeException(nameof(wait), w, "A wait is 0 to 20 seconds.");
            parts.Add(string.Create(CultureInfo.InvariantCulture, $"wait={WireMapping.Seconds(w)}"));
        }

        if (WireMapping.Seconds(visibilityTimeout) is { } t) parts.Add(string.Create(CultureInfo.InvariantCulture, $"timeout={t}"));
        return parts.Count == 0 ? "" : "?" + string.Join('&', parts);
    }
}
