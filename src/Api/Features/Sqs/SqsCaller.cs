using Spartan.Api.Http;

namespace Spartan.Api.Features.Sqs;

/// <summary>Who sent an SQS request, once its signature is checked: the queues it may see. Without configured keys,
/// every queue.</summary>
public sealed class SqsCaller
{
    private readonly SigningKey? _key;

    private SqsCaller(SigningKey? key, string? id)
    {
        _key = key;
        Id = id;
    }

    /// <summary>Anyone, on a node without access keys (SPEC §11).</summary>
    public static SqsCaller Anyone { get; } = new(null, null);

    public static SqsCaller With(SigningKey key, string id) => new(key, id);

    /// <summary>The access key id the request was signed with; null on a node without keys.</summary>
    public string? Id { get; }

    /// <summary>True for a wildcard key (or no keys): the queue-changing actions need one, as the native routes do.</summary>
    public bool All => _key is null || _key.All;

    public bool Covers(string queue) => _key is null || _key.Covers(queue);
}
