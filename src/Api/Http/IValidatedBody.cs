namespace Spartan.Api.Http;

/// <summary>A request body that checks itself once parsed, so the gate can answer in SPEC §3.4's order.</summary>
public interface IValidatedBody
{
    /// <summary>True when a message's decoded body plus client attributes exceed <paramref name="bodySize"/> bytes (413).</summary>
    bool ExceedsBodySize(int bodySize);

    /// <summary>Null when valid, else a detail that names the offending field (400).</summary>
    string? Validate();
}

/// <summary>What the binder found wrong while reading a request body, for <see cref="BodyGate"/> to answer; absent
/// (no allocation) when the body parsed.</summary>
public sealed class RequestBodyState
{
    public bool TooLarge { get; init; }

    /// <summary>Why the body could not be read as the expected JSON, naming the field where possible.</summary>
    public string? Malformed { get; init; }
}

/// <summary>A batch body: its byte limit is 100 times a single message's (SPEC §3.4).</summary>
public interface IBatchBody;

/// <summary>A body whose root object is one message (push): its size can be measured in raw JSON that did not
/// deserialise (<see cref="MessageSizes"/>).</summary>
public interface IMessageBody;

/// <summary>A body whose <c>messages</c> array holds messages (batch push), measured like <see cref="IMessageBody"/>.</summary>
public interface IMessageBatchBody;

/// <summary>A body that may be left out altogether (<c>PUT /_/queues/{name}</c>): an empty body binds as a new, empty
/// request instead of being malformed.</summary>
public interface IOptionalBody;
