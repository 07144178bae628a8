using Spartan.Api.Features.Sqs.Protocol;
using Spartan.Domain;

namespace Spartan.Api.Features.Sqs;

// Batch actions: 1 to 10 entries with distinct ids; a bad entry fails alone in Failed[], the request is still 200.
public sealed partial class SqsActions
{
    private async Task SendMessageBatchAsync(SqsRequest request)
    {
        var body = request.Read(SqsJson.Default.SendMessageBatchRequest);
        var name = Existing(request, body.QueueUrl);
        var entries = CheckEntries(body.Entries, static e => e.Id);
        var settings = broker.SettingsNow(name) ?? throw SqsException.QueueDoesNotExist();

        var failed = new List<BatchFailure>();
        var accepted = new List<(SendMessageBatchEntry Entry, PushRequest Push)>(entries.Count);
        long total = 0;
        foreach (var entry in entries)
        {
            try
            {
                var push = ToPush(settings, request.Caller, entry, out var bytes);
                total += bytes;
                accepted.Add((entry, push));
            }
            catch (SqsException error)
            {
                failed.Add(new BatchFailure(entry.Id!, error.Code, error.Message, error.SenderFault));
            }
        }

        var limit = Math.Max(BatchBytesFloor, MaxMessageBytes(settings));
        if (total > limit) throw SqsException.BatchRequestTooLong(total, limit);

        var successful = new List<SendResultEntry>(accepted.Count);
        if (accepted.Count > 0)
        {
            var pushes = new PushRequest[accepted.Count];
            for (var i = 0; i < pushes.Length; i++) pushes[i] = accepted[i].Push;
            var ids = await broker.PushManyAsync(name, pushes);
            for (var i = 0; i < ids.Length; i++)
            {
                var entry = accepted[i].Entry;
                successful.Add(new SendResultEntry(entry.Id!, ids[i].ToString("D"), Md5Digests.OfMessageBody(entry.MessageBody!),
                    AttributesDigest(entry.MessageAttributes)));
            }
        }

        await request.ReplyAsync(new SendMessageBatchReply(successful, failed), SqsJson.Default.SendMessageBatchReply);
    }

    private async Task DeleteMessageBatchAsync(SqsRequest request)
    {
        var body = request.Read(SqsJson.Default.HandleBatchRequest);
        var name = Existing(request, body.QueueUrl);
        var entries = CheckEntries(body.Entries, static e => e.Id);
        var pending = new Task<MessageDecision>?[entries.Count];
        var failed = new List<BatchFailure>();
        // Every delete is handed to the commit loop before the first is awaited, so they share its group commits.
        for (var i = 0; i < entries.Count; i++)
        {
            if (ReceiptHandle.TryParse(entries[i].ReceiptHandle, out var handle))
                pending[i] = broker.DeleteAsync(name, handle.MessageId, handle.Receipt);
            else
                failed.Add(InvalidHandle(entries[i]));
        }

        var successful = new List<IdEntry>(entries.Count);
        for (var i = 0; i < entries.Count; i++)
        {
            if (pending[i] is not { } delete) continue;
            await delete; // a stale handle deletes nothing and succeeds, as DeleteMessage does
            successful.Add(new IdEntry(entries[i].Id!));
        }

        await request.ReplyAsync(new IdBatchReply(successful, failed), SqsJson.Default.IdBatchReply);
    }

    private async Task ChangeMessageVisibilityBatchAsync(SqsRequest request)
    {
        var body = request.Read(SqsJson.Default.HandleBatchRequest);
        var name = Existing(request, body.QueueUrl);
        var entries = CheckEntries(body.Entries, static e => e.Id);
        var pending = new Task<SqsException?>?[entries.Count];
        var failed = new List<BatchFailure>();
        for (var i = 0; i < entries.Count; i++)
        {
            var entry = entries[i];
            if (!ReceiptHandle.TryParse(entry.ReceiptHandle, out var handle))
                failed.Add(InvalidHandle(entry));
            else if (entry.VisibilityTimeout is not { } timeout)
                failed.Add(Failure(entry.Id!, SqsException.MissingParameter("VisibilityTimeout")));
            else if (timeout is < 0 or > MaxVisibilitySeconds)
                failed.Add(Failure(entry.Id!, SqsException.InvalidParameterValue(
                    $"Value {timeout} for parameter VisibilityTimeout is invalid. Reason: Must be between 0 and {MaxVisibilitySeconds}.")));
            else
                pending[i] = ChangeVisibilityAsync(name, handle, timeout);
        }

        var successful = new List<IdEntry>(entries.Count);
        for (var i = 0; i < entries.Count; i++)
        {
            if (pending[i] is not { } change) continue;
            if (await change is { } error) failed.Add(Failure(entries[i].Id!, error));
            else successful.Add(new IdEntry(entries[i].Id!));
        }

        await request.ReplyAsync(new IdBatchReply(successful, failed), SqsJson.Default.IdBatchReply);
    }

    /// <summary>The checks that fail a whole batch: none or too many entries, a malformed or repeated id.</summary>
    private static List<T> CheckEntries<T>(List<T>? entries, Func<T, string?> id)
    {
        if (entries is not { Count: > 0 }) throw SqsException.EmptyBatchRequest();
        if (entries.Count > SqsLimits.MaxBatchEntries) throw SqsException.TooManyEntriesInBatchRequest(entries.Count);
        var seen = new HashSet<string>(entries.Count, StringComparer.Ordinal);
        foreach (var entry in entries)
        {
            var value = id(entry);
            if (value is null) throw SqsException.MissingParameter("Id");
            if (!IsEntryId(value)) throw SqsException.InvalidBatchEntryId(value);
            if (!seen.Add(value)) throw SqsException.BatchEntryIdsNotDistinct(value);
        }

        return entries;
    }

    private static bool IsEntryId(string id)
    {
        if (id.Length is 0 or > 80) return false;
        foreach (var c in id)
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('-' or '_')) return false;
        return true;
    }

    private static BatchFailure InvalidHandle(HandleEntry entry) =>
        Failure(entry.Id!, SqsException.ReceiptHandleIsInvalid(entry.ReceiptHandle ?? ""));

    private static BatchFailure Failure(string id, SqsException error) => new(id, error.Code, error.Message, error.SenderFault);
}
