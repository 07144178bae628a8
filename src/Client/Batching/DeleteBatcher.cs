using System.Net;

namespace Spartan.Client.Batching;

/// <summary>Batches the deletes of one queue (<c>DELETE /{queue}/batch</c> with receipts). Each caller learns the fate of
/// its own id: deleted, not found (<see cref="MessageNotFoundException"/>) or left alone because its receipt is stale
/// (<see cref="StaleReceiptException"/>). One id appears at most once per batch, so its answer is unambiguous.</summary>
internal sealed class DeleteBatcher(SpartanClient client, string queue)
    : Batcher<MessageReference, bool>(client.Time, client.Options.DeleteLinger, client.Options.MaxBatchSize)
{
    protected override object? KeyOf(MessageReference item) => item.Id;

    protected override async Task SendAsync(IReadOnlyList<Entry> batch)
    {
        var result = await client.DeleteBatchAsync(queue, [.. batch.Select(e => e.Item)], CancellationToken.None).ConfigureAwait(false);
        var deleted = result.Deleted.ToHashSet();
        var stale = result.Stale.ToHashSet();
        var notFound = result.NotFound.ToHashSet();
        foreach (var entry in batch)
        {
            var id = entry.Item.Id;
            if (deleted.Contains(id)) entry.Succeed(true);
            else if (stale.Contains(id))
                entry.Fail(new StaleReceiptException(HttpStatusCode.Conflict, "Stale receipt",
                    $"Message {id} is held by another reservation; it was not deleted.", id));
            else if (notFound.Contains(id))
                entry.Fail(new MessageNotFoundException(HttpStatusCode.NotFound, "Message not found",
                    $"Queue {queue} holds no message {id}.", id));
            else entry.Fail(new InvalidOperationException($"The batch delete did not answer for message {id}."));
        }
    }
}
