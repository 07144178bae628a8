using Spartan.Api.Features.Push;
using Spartan.Api.Http;
using Spartan.Domain;

namespace Spartan.Api.Features.BatchPush;

/// <summary><c>{"messages": [push request, …]}</c>, 1 to 100 messages, validated as a whole.</summary>
public sealed class BatchPushBody : IValidatedBody, IBatchBody, IMessageBatchBody
{
    public List<PushBody>? Messages { get; set; }

    public bool ExceedsBodySize(int bodySize)
    {
        if (Messages is null) return false;
        foreach (var message in Messages)
            if (message is not null && message.ExceedsBodySize(bodySize)) return true;
        return false;
    }

    public string? Validate()
    {
        if (Messages is null) return "Field 'messages' is required.";
        if (Messages.Count is 0 or > QueryArgs.MaxBatch) return $"Field 'messages' must hold 1…{QueryArgs.MaxBatch} messages.";
        for (var i = 0; i < Messages.Count; i++)
        {
            if (Messages[i] is not { } message) return $"Field 'messages[{i}]' must be an object.";
            if (message.Validate() is { } problem) return $"messages[{i}]: {problem}";
        }

        return null;
    }

    public PushRequest[] ToRequests()
    {
        var requests = new PushRequest[Messages!.Count];
        for (var i = 0; i < requests.Length; i++) requests[i] = Messages[i].ToRequest(Guid.NewGuid());
        return requests;
    }
}

/// <summary>Answer of batch push: the ids, in request order.</summary>
public sealed record BatchPushResponse(IReadOnlyList<Guid> Ids);
