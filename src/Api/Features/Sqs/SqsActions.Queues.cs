using System.Buffers.Text;
using System.Text;
using Spartan.Api.Features.RuntimeQueues;
using Spartan.Domain;

namespace Spartan.Api.Features.Sqs;

// Queue actions: the same runtime-queue operations as /_/queues (SPEC §10), with SQS's names and errors.
public sealed partial class SqsActions
{
    private const int MaxListResults = 1000;

    private Task GetQueueUrlAsync(SqsRequest request)
    {
        var name = request.Read(SqsJson.Default.QueueNameRequest).QueueName;
        if (string.IsNullOrEmpty(name)) throw SqsException.MissingParameter("QueueName");
        if (!request.Caller.Covers(name) || !broker.HasQueue(name)) throw SqsException.QueueDoesNotExist();
        return request.ReplyAsync(new QueueUrlReply(urls.Url(urls.BaseFor(request.Context.Request), name)), SqsJson.Default.QueueUrlReply);
    }

    private async Task CreateQueueAsync(SqsRequest request)
    {
        var body = request.Read(SqsJson.Default.CreateQueueRequest);
        var name = body.QueueName;
        if (string.IsNullOrEmpty(name)) throw SqsException.MissingParameter("QueueName");
        if (!QueueNames.IsValid(name))
            throw SqsException.InvalidParameterValue(name.EndsWith(".fifo", StringComparison.Ordinal)
                ? "FIFO queues are not supported by this server."
                : $"Value {name} for parameter QueueName is invalid: {QueueNames.Rule}");

        // SQS refuses an existing queue only for attributes the request gives with other values: what it leaves out is
        // not compared, so a client that "creates" its queue at start with fewer attributes, or none, gets its URL. Given
        // as a change to the queue's settings, the request equals them exactly when every attribute it names agrees.
        var exists = broker.HasQueue(name);
        var current = exists ? broker.SettingsNow(name) ?? QueueSettings.None : QueueSettings.None;
        var settings = QueueAttributeMap.Apply(current, body.Attributes, urls, creating: true);
        if (exists) settings = QueueAttributeMap.WithoutRestatedDefaults(settings, current, name, limits.MessageBytes);
        if (body.Tags is { Count: > 0 } tags)
            settings = settings with { Attributes = settings.Attributes.With(TagChanges(tags)) };

        // Creating an existing queue is how SQS clients look one up at start: a queue key may do it for its queues.
        if (!(exists && request.Caller.Covers(name))) RequireWildcard(request, "CreateQueue");
        if (!exists && !config.AllowRuntimeQueues)
            throw SqsException.UnsupportedOperation("allow_runtime_queues is false on this node: queues are declared in its configuration only.");

        var decision = await broker.CreateQueueAsync(name, settings, config.MaxQueues, withAttributes: true);
        switch (decision.Outcome)
        {
            case QueueOutcome.Done or QueueOutcome.Exists:
                await request.ReplyAsync(new QueueUrlReply(urls.Url(urls.BaseFor(request.Context.Request), name)), SqsJson.Default.QueueUrlReply);
                return;
            case QueueOutcome.Conflict:
                throw SqsException.QueueNameExists(name);
            case QueueOutcome.TooMany:
                throw new SqsException(400, "AWS.SimpleQueueService.OverLimit", "OverLimit", decision.Detail ?? "Too many queues.");
            default:
                throw SqsException.InvalidParameterValue(DeadLetterReason(decision.Detail));
        }
    }

    private async Task DeleteQueueAsync(SqsRequest request)
    {
        var name = Existing(request, request.Read(SqsJson.Default.QueueUrlRequest).QueueUrl);
        RequireChangeable(request, name, "DeleteQueue");
        var decision = await broker.DeleteQueueAsync(name);
        switch (decision.Outcome)
        {
            case QueueOutcome.Done:
                await request.ReplyEmptyAsync();
                return;
            case QueueOutcome.NotFound:
                throw SqsException.QueueDoesNotExist();
            default:
                throw SqsException.InvalidParameterValue(decision.Detail ?? $"Queue {name} cannot be deleted.");
        }
    }

    private Task ListQueuesAsync(SqsRequest request)
    {
        var body = request.Read(SqsJson.Default.ListQueuesRequest);
        var prefix = body.QueueNamePrefix ?? "";
        var names = new List<string>();
        foreach (var name in broker.QueueNamesNow())
            if (name.StartsWith(prefix, StringComparison.Ordinal) && request.Caller.Covers(name))
                names.Add(name);
        var (page, next) = Page(request, names, body.MaxResults, body.NextToken);
        return request.ReplyAsync(new QueueUrlsReply(page, next), SqsJson.Default.QueueUrlsReply);
    }

    private async Task ListDeadLetterSourceQueuesAsync(SqsRequest request)
    {
        var body = request.Read(SqsJson.Default.ListDeadLetterSourceQueuesRequest);
        var name = Existing(request, body.QueueUrl);
        var sources = await broker.DeadLetterSourcesAsync(name);
        sources.RemoveAll(source => !request.Caller.Covers(source));
        sources.Sort(StringComparer.Ordinal);
        var (page, next) = Page(request, sources, body.MaxResults, body.NextToken);
        await request.ReplyAsync(new SourceUrlsReply(page, next), SqsJson.Default.SourceUrlsReply);
    }

    private async Task PurgeQueueAsync(SqsRequest request)
    {
        var name = Existing(request, request.Read(SqsJson.Default.QueueUrlRequest).QueueUrl);
        await broker.ClearAsync(name);
        await request.ReplyEmptyAsync();
    }

    private async Task TagQueueAsync(SqsRequest request)
    {
        var body = request.Read(SqsJson.Default.TagQueueRequest);
        var name = Existing(request, body.QueueUrl);
        if (body.Tags is not { Count: > 0 } tags) throw SqsException.MissingParameter("Tags");
        RequireChangeable(request, name, "TagQueue");
        await ChangeAsync(name, current => current with { Attributes = current.Attributes.With(TagChanges(tags)) });
        await request.ReplyEmptyAsync();
    }

    private async Task UntagQueueAsync(SqsRequest request)
    {
        var body = request.Read(SqsJson.Default.UntagQueueRequest);
        var name = Existing(request, body.QueueUrl);
        if (body.TagKeys is not { Count: > 0 } keys) throw SqsException.MissingParameter("TagKeys");
        RequireChangeable(request, name, "UntagQueue");
        await ChangeAsync(name, current => current with
        {
            Attributes = current.Attributes.With(keys.Select(key => new KeyValuePair<string, string?>(QueueAttributes.TagPrefix + key, null))),
        });
        await request.ReplyEmptyAsync();
    }

    private async Task ListQueueTagsAsync(SqsRequest request)
    {
        var name = Existing(request, request.Read(SqsJson.Default.QueueUrlRequest).QueueUrl);
        var info = await broker.DescribeQueueAsync(name) ?? throw SqsException.QueueDoesNotExist();
        var tags = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in info.Settings.Attributes.Values)
            if (key.StartsWith(QueueAttributes.TagPrefix, StringComparison.Ordinal))
                tags[key[QueueAttributes.TagPrefix.Length..]] = value;
        await request.ReplyAsync(new TagsReply(tags), SqsJson.Default.TagsReply);
    }

    /// <summary>A queue's settings change (SetQueueAttributes, tags) only where the native PATCH may change them: a
    /// runtime queue on a node that allows them, with a wildcard key.</summary>
    private void RequireChangeable(in SqsRequest request, string name, string action)
    {
        RequireWildcard(request, action);
        if (!config.AllowRuntimeQueues)
            throw SqsException.UnsupportedOperation("allow_runtime_queues is false on this node: queues are declared in its configuration only.");
        if (declared.Names.Contains(name))
            throw SqsException.InvalidParameterValue($"Queue {name} is declared in the configuration file; change it there.");
    }

    /// <summary>Applies a change to the queue's current settings. Two changes racing on one queue each apply to what
    /// they read; the later one wins, as with two native PATCHes.</summary>
    private async Task ChangeAsync(string name, Func<QueueSettings, QueueSettings> change)
    {
        var info = await broker.DescribeQueueAsync(name) ?? throw SqsException.QueueDoesNotExist();
        var decision = await broker.ChangeQueueAsync(name, change(info.Settings));
        switch (decision.Outcome)
        {
            case QueueOutcome.Done or QueueOutcome.Exists:
                return;
            case QueueOutcome.NotFound:
                throw SqsException.QueueDoesNotExist();
            default:
                throw SqsException.InvalidParameterValue(DeadLetterReason(decision.Detail));
        }
    }

    private static string DeadLetterReason(string? detail) =>
        "Value for parameter RedrivePolicy is invalid. Reason: " + (detail ?? "Dead letter target does not exist.");

    private static IEnumerable<KeyValuePair<string, string?>> TagChanges(Dictionary<string, string> tags)
    {
        foreach (var (key, value) in tags)
        {
            if (key.Length is 0 or > 128) throw SqsException.InvalidParameterValue("A tag key has 1 to 128 characters.");
            if (value.Length > 256) throw SqsException.InvalidParameterValue($"The value of tag {key} is longer than 256 characters.");
            yield return new(QueueAttributes.TagPrefix + key, value);
        }
    }

    /// <summary>One page of queue URLs; the token is the first name of the next page, encoded so clients treat it as opaque.</summary>
    private (List<string> Page, string? NextToken) Page(in SqsRequest request, List<string> names, int? maxResults, string? nextToken)
    {
        if (maxResults is < 1 or > MaxListResults)
            throw SqsException.InvalidParameterValue($"Value {maxResults} for parameter MaxResults is invalid. Reason: must be between 1 and {MaxListResults}.");
        if (nextToken is not null && maxResults is null)
            throw SqsException.InvalidParameterValue("MaxResults is required when NextToken is given.");

        var start = 0;
        if (!string.IsNullOrEmpty(nextToken))
        {
            var after = DecodeToken(nextToken);
            start = names.BinarySearch(after, StringComparer.Ordinal);
            if (start < 0) start = ~start;
        }

        var take = Math.Min(maxResults ?? MaxListResults, names.Count - start);
        var @base = urls.BaseFor(request.Context.Request);
        var page = new List<string>(take);
        for (var i = start; i < start + take; i++) page.Add(urls.Url(@base, names[i]));
        var more = maxResults is not null && start + take < names.Count;
        return (page, more ? EncodeToken(names[start + take]) : null);
    }

    private static string EncodeToken(string name) => Base64Url.EncodeToString(Encoding.UTF8.GetBytes(name));

    private static string DecodeToken(string token)
    {
        try
        {
            return Encoding.UTF8.GetString(Base64Url.DecodeFromChars(token));
        }
        catch (FormatException)
        {
            throw SqsException.InvalidParameterValue("Invalid NextToken value.");
        }
    }
}
