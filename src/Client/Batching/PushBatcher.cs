using Spartan.Client.Json;

namespace Spartan.Client.Batching;

/// <summary>Batches the pushes of one queue (<c>POST /{queue}/batch</c>). The server checks a whole batch before it
/// pushes any of it, so a batch refused for one message's sake is sent again one message at a time, in order: only
/// the caller whose message is at fault gets the error.</summary>
internal sealed class PushBatcher(SpartanClient client, string queue)
    : Batcher<PushWire, Guid>(client.Time, client.Options.PushLinger, client.Options.MaxBatchSize)
{
    protected override async Task SendAsync(IReadOnlyList<Entry> batch)
    {
        // No caller's token cancels the request: the batch is shared (the client's request timeout bounds it).
        IReadOnlyList<Guid> ids;
        try
        {
            ids = await client.PushManyAsync(queue, [.. batch.Select(e => e.Item)], CancellationToken.None).ConfigureAwait(false);
        }
        catch (SpartanException e) when (batch.Count > 1 && e is InvalidRequestException or MessageTooLargeException)
        {
            await SendOneByOneAsync(batch).ConfigureAwait(false);
            return;
        }

        for (var i = 0; i < batch.Count; i++) batch[i].Succeed(ids[i]);
    }

    private async Task SendOneByOneAsync(IReadOnlyList<Entry> batch)
    {
        foreach (var entry in batch)
        {
            if (entry.Abandoned) continue; // its caller gave up: do not push what nobody will learn the id of
            try
            {
                entry.Succeed(await client.PushOneAsync(queue, entry.Item, CancellationToken.None).ConfigureAwait(false));
            }
            catch (Exception e)
            {
                entry.Fail(e);
            }
        }
    }
}
