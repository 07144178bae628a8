using System.Text;
using Spartan.Api.Http;
using Spartan.Domain;

namespace Spartan.Api.Features.Push;

/// <summary>The push request of SPEC §3.1; an optional field sent as null counts as absent.</summary>
public sealed class PushBody : IValidatedBody, IMessageBody
{
    public const int MaxAttributes = 16;
    public const int MaxOffset = 86399;

    // Numbers are read wide and range-checked after parsing, so that a syntactically valid request whose body is
    // too large is 413 whatever its other fields hold (SPEC §3.4 checks size before validity).
    public string? Body { get; set; }
    public long? Offset { get; set; }
    public long? MaxTries { get; set; }
    public long? Timeout { get; set; }
    public long? Delay { get; set; }
    public long? Priority { get; set; }
    public Dictionary<string, string?>? Attributes { get; set; }

    public bool ExceedsBodySize(int bodySize)
    {
        if (Body is null) return false;
        long bytes = Encoding.UTF8.GetByteCount(Body);
        if (Attributes is not null)
            foreach (var (key, value) in Attributes)
                bytes += Encoding.UTF8.GetByteCount(key) + (value is null ? 0 : Encoding.UTF8.GetByteCount(value));
        return bytes > bodySize;
    }

    public string? Validate()
    {
        if (Body is null) return "Field 'body' is required.";
        if (Offset is < -MaxOffset or > MaxOffset) return $"Field 'offset' must be within -{MaxOffset}…{MaxOffset}.";
        if (Priority is < 0 or > 255) return "Field 'priority' must be within 0…255.";
        if (OutOfU32(MaxTries)) return "Field 'max_tries' must be within 0…4294967295.";
        if (OutOfU32(Timeout)) return "Field 'timeout' must be within 0…4294967295.";
        if (OutOfU32(Delay)) return "Field 'delay' must be within 0…4294967295.";
        if (Attributes is null) return null;
        if (Attributes.Count > MaxAttributes) return $"Field 'attributes' may hold at most {MaxAttributes} entries.";
        foreach (var (key, value) in Attributes)
        {
            if (key.Length == 0) return "Field 'attributes' has an empty name.";
            if (DeadLetterAttributes.IsReserved(key))
                return $"Field 'attributes' may not set '{key}': names starting with 'spartan.' belong to the server.";
            if (value is null) return $"Field 'attributes.{key}' must be a string.";
        }

        return null;
    }

    /// <summary>The domain request, once <see cref="Validate"/> passed.</summary>
    public PushRequest ToRequest(Guid id) => new(id, MessageBody.FromString(Body!), (int?)Offset, (byte?)Priority,
        Attributes is null ? null : CopyAttributes(Attributes), (uint?)MaxTries, (uint?)Timeout, (uint?)Delay);

    private static bool OutOfU32(long? value) => value is < 0 or > uint.MaxValue;

    private static Dictionary<string, string> CopyAttributes(Dictionary<string, string?> attributes)
    {
        var copy = new Dictionary<string, string>(attributes.Count, StringComparer.Ordinal);
        foreach (var (key, value) in attributes) copy[key] = value!;
        return copy;
    }
}

/// <summary>Answer of a push: the id the server gave the message.</summary>
public sealed record PushResponse(Guid Id);
