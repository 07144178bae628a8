namespace Spartan.Api.Http;

/// <summary>A request body that checks itself once parsed, so the gate can answer in SPEC §3.4's order.</summary>
public interface IValidatedBody
{
    /// <summary>True when a message's decoded body plus client attributes exceed <paramref name="bodySize"/> bytes (413).</summary>
    bool ExceedsBodySize(int bodySize);

    /// <summary>Null when valid, else a detail that names the offending field (400).</summary>
    string? Validate();
}

/// <summary>What the binder found while reading a request body, for the gate to answer in order.</summary>
public sealed class RequestBodyState
{
    public bool TooLarge { get; set; }

    /// <summary>Why the body could not be read as the expected JSON, naming the field where possible.</summary>
    public string? Malformed { get; set; }
}

/// <summary>A batch body: its byte limit is 100 times a single message's (SPEC §3.4).</summary>
public interface IBatchBody;
