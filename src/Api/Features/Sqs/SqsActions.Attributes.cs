namespace Spartan.Api.Features.Sqs;

// GetQueueAttributes and SetQueueAttributes: the queue's settings and stats under SQS's names.
public sealed partial class SqsActions
{
    private async Task GetQueueAttributesAsync(SqsRequest request)
    {
        var body = request.Read(SqsJson.Default.GetQueueAttributesRequest);
        var name = Existing(request, body.QueueUrl);
        var asked = body.AttributeNames ?? [];
        foreach (var attribute in asked)
            if (!QueueAttributeMap.IsKnown(attribute)) throw SqsException.InvalidAttributeName(attribute);

        var info = await broker.DescribeQueueAsync(name) ?? throw SqsException.QueueDoesNotExist();
        var names = asked.Contains("All") ? QueueAttributeMap.AllNames(info) : asked;
        var attributes = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var attribute in names)
            if (QueueAttributeMap.Read(attribute, info, urls, limits.MessageBytes) is { } value)
                attributes[attribute] = value;
        await request.ReplyAsync(new AttributesReply(attributes), SqsJson.Default.AttributesReply);
    }

    private async Task SetQueueAttributesAsync(SqsRequest request)
    {
        var body = request.Read(SqsJson.Default.SetQueueAttributesRequest);
        var name = Existing(request, body.QueueUrl);
        if (body.Attributes is not { Count: > 0 } attributes) throw SqsException.MissingParameter("Attributes");
        foreach (var attribute in attributes.Keys)
            if (QueueAttributeMap.ReadOnly.Contains(attribute)) throw SqsException.InvalidAttributeName(attribute);
        RequireChangeable(request, name, "SetQueueAttributes");
        await ChangeAsync(name, current => QueueAttributeMap.Apply(current, attributes, urls, creating: false));
        await request.ReplyEmptyAsync();
    }
}
