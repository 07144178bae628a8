using System.Globalization;
using System.Text;
using Spartan.Api.Features.Sqs.Protocol;
using Spartan.Domain;

namespace Spartan.Api.Features.Sqs;

// Single-message actions: SendMessage is a push, ReceiveMessage a (long-polling) pop, DeleteMessage a delete with the
// receipt, ChangeMessageVisibility a touch (or a requeue at 0).
public sealed partial class SqsActions
{
    private const int MaxDelaySeconds = 900;
    private const int MaxVisibilitySeconds = 43_200;
    private const int MaxWaitSeconds = 20;
    private const int BatchBytesFloor = 262_144;

    private async Task SendMessageAsync(SqsRequest request)
    {
        var body = request.Read(SqsJson.Default.SendMessageRequest);
        var name = Existing(request, body.QueueUrl);
        var settings = broker.SettingsNow(name) ?? throw SqsException.QueueDoesNotExist();
        var push = ToPush(settings, request.Caller, body, out _);
        var id = await broker.PushAsync(name, push);
        await request.ReplyAsync(new SendMessageReply(id.ToString("D"), Md5Digests.OfMessageBody(body.MessageBody!), AttributesDigest(body.MessageAttributes)),
            SqsJson.Default.SendMessageReply);
    }

    private async Task ReceiveMessageAsync(SqsRequest request)
    {
        var body = request.Read(SqsJson.Default.ReceiveMessageRequest);
        var name = Existing(request, body.QueueUrl);
        var settings = broker.SettingsNow(name) ?? throw SqsException.QueueDoesNotExist();
        var count = Within("MaxNumberOfMessages", body.MaxNumberOfMessages ?? 1, 1, SqsLimits.MaxBatchEntries);
        var wait = Within("WaitTimeSeconds", body.WaitTimeSeconds ?? DefaultWait(settings), 0, MaxWaitSeconds);
        // The queue's visibility timeout as it is now, not as it was when each message was sent: SQS applies a changed
        // VisibilityTimeout to every later receive.
        var timeout = (uint)Within("VisibilityTimeout", body.VisibilityTimeout ?? (int)settings.Resolve(name).Timeout, 0, MaxVisibilitySeconds);

        var messages = await broker.PopWaitAsync(name, count, TimeSpan.FromSeconds(wait), request.Context.RequestAborted, timeout);
        var system = SystemAttributes.Asked(body.MessageSystemAttributeNames, body.AttributeNames);
        var received = new List<ReceivedMessage>(messages.Count);
        foreach (var message in messages)
        {
            var text = message.Body.ToString();
            var attributes = MessageAttributeMap.Select(message.Attributes, body.MessageAttributeNames);
            received.Add(new ReceivedMessage(
                message.Id.ToString("D"),
                new ReceiptHandle(message.Id, message.Receipt!.Value).ToString(),
                text,
                Md5Digests.OfMessageBody(text),
                system.Of(message, config.Sqs.AccountId),
                attributes is null ? null : MessageAttributeMap.ToReply(attributes),
                attributes is null ? null : Md5Digests.OfMessageAttributes(attributes)));
        }

        await request.ReplyAsync(new ReceiveMessageReply(received), SqsJson.Default.ReceiveMessageReply);
    }

    private async Task DeleteMessageAsync(SqsRequest request)
    {
        var body = request.Read(SqsJson.Default.DeleteMessageRequest);
        var name = Existing(request, body.QueueUrl);
        var handle = ReceiptHandle.Parse(body.ReceiptHandle);
        // A stale handle (the message was received again since) deletes nothing and is not an error: the message now
        // belongs to its newer receiver, and SQS answers the same (ADR 0014).
        await broker.DeleteAsync(name, handle.MessageId, handle.Receipt);
        await request.ReplyEmptyAsync();
    }

    private async Task ChangeMessageVisibilityAsync(SqsRequest request)
    {
        var body = request.Read(SqsJson.Default.ChangeMessageVisibilityRequest);
        var name = Existing(request, body.QueueUrl);
        var handle = ReceiptHandle.Parse(body.ReceiptHandle);
        var timeout = Within("VisibilityTimeout", body.VisibilityTimeout ?? throw SqsException.MissingParameter("VisibilityTimeout"), 0, MaxVisibilitySeconds);
        if (await ChangeVisibilityAsync(name, handle, timeout) is { } error) throw error;
        await request.ReplyEmptyAsync();
    }

    /// <summary>Touches the reservation for <paramref name="timeout"/> seconds from now, or hands it back at 0; the error
    /// when the message is not reserved under this handle.</summary>
    private async Task<SqsException?> ChangeVisibilityAsync(string name, ReceiptHandle handle, int timeout)
    {
        var outcome = timeout == 0
            ? await broker.RequeueAsync(name, handle.MessageId, handle.Receipt)
            : (await broker.TouchAsync(name, handle.MessageId, handle.Receipt, (uint)timeout)).Outcome;
        if (outcome == Outcome.Ok) return null;
        // A stale receipt is either superseded by another receive that holds the message now, or its reservation ran
        // out (or was handed back) and nobody holds the message: that one is not in flight, as a deleted one is not.
        if (outcome == Outcome.StaleReceipt && (await broker.GetAsync(name, handle.MessageId)).Message is { Status: MessageStatus.Transit })
            return SqsException.ExpiredReceipt(handle.ToString());
        return SqsException.MessageNotInflight();
    }

    /// <summary>A push from SQS fields, or the error that refuses them. A queue without <c>max_tries</c> gives the message
    /// unlimited tries: SQS redelivers until a message is deleted (ADR 0014).</summary>
    private PushRequest ToPush(QueueSettings settings, SqsCaller caller, SendMessageFields fields, out int bytes)
    {
        var text = fields.MessageBody;
        if (text is null) throw SqsException.MissingParameter("MessageBody");
        if (text.Length == 0) throw SqsException.InvalidParameterValue("The message body must be at least 1 character long.");
        if (!IsAllowedText(text))
            throw new SqsException(400, "InvalidMessageContents", "InvalidMessageContents",
                "Invalid characters found. Valid unicode characters are #x9 | #xA | #xD | #x20 to #xD7FF | #xE000 to #xFFFD | #x10000 to #x10FFFF.");
        if (fields.MessageDeduplicationId is not null)
            throw SqsException.InvalidParameterValue("The request include parameter MessageDeduplicationId that is not valid for this queue type.");
        var delay = fields.DelaySeconds is { } d ? (uint?)Within("DelaySeconds", d, 0, MaxDelaySeconds) : null;
        var stored = MessageAttributeMap.ToStored(fields.MessageAttributes, caller.Id, out var attributeBytes);
        bytes = Encoding.UTF8.GetByteCount(text) + attributeBytes;
        var max = MaxMessageBytes(settings);
        if (bytes > max)
            throw SqsException.InvalidParameterValue($"One or more parameters are invalid. Reason: Message must be shorter than {max} bytes.");
        return new PushRequest(Guid.NewGuid(), MessageBody.FromString(text), null, null, stored,
            settings.MaxTries is null ? uint.MaxValue : null, null, delay);
    }

    /// <summary><c>body_size</c>, or the queue's MaximumMessageSize when that is smaller.</summary>
    private int MaxMessageBytes(QueueSettings settings) =>
        settings.Attributes[QueueAttributeMap.MaximumMessageSize] is { } set && int.TryParse(set, CultureInfo.InvariantCulture, out var n)
            ? Math.Min(n, limits.MessageBytes)
            : limits.MessageBytes;

    private static int DefaultWait(QueueSettings settings) =>
        settings.Attributes[QueueAttributeMap.ReceiveMessageWaitTimeSeconds] is { } set && int.TryParse(set, CultureInfo.InvariantCulture, out var n) ? n : 0;

    private static string? AttributesDigest(Dictionary<string, MessageAttributeValue>? attributes) =>
        attributes is { Count: > 0 } ? Md5Digests.OfMessageAttributes(MessageAttributeMap.ForDigest(attributes)) : null;

    private static int Within(string parameter, int value, int min, int max) =>
        value >= min && value <= max
            ? value
            : throw SqsException.InvalidParameterValue($"Value {value} for parameter {parameter} is invalid. Reason: Must be between {min} and {max}.");

    /// <summary>The characters SQS accepts in a body (XML 1.0's): no other control characters, no lone surrogates.</summary>
    private static bool IsAllowedText(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c < 0x20 && c is not ('\t' or '\n' or '\r')) return false;
            if (c is '\uFFFE' or '\uFFFF') return false;
            if (char.IsHighSurrogate(c))
            {
                if (i + 1 >= text.Length || !char.IsLowSurrogate(text[i + 1])) return false;
                i++;
            }
            else if (char.IsLowSurrogate(c))
            {
                return false;
            }
        }

        return true;
    }
}
