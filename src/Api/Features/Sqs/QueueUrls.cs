using Spartan.Api.Configuration;

namespace Spartan.Api.Features.Sqs;

/// <summary>Queue URLs and ARNs (SPEC §11): <c>{public_url}/{account_id}/{queue}</c> and
/// <c>arn:aws:sqs:{region}:{account_id}:{queue}</c>; a URL is resolved by its last path segment.</summary>
public sealed class QueueUrls(SqsConfig config)
{
    private readonly string _arnPrefix = $"arn:aws:sqs:{config.Region}:{config.AccountId}:";

    /// <summary>The base of this request's queue URLs: <c>public_url</c>, or the scheme and Host the client used, so that
    /// a client that posts to the queue URL itself (aws-sdk-js v3) reaches this node.</summary>
    public string BaseFor(HttpRequest request) =>
        config.PublicUrl.Length > 0 ? config.PublicUrl : $"{request.Scheme}://{request.Host.Value}";

    public string Url(string @base, string queue) => $"{@base}/{config.AccountId}/{queue}";

    public string Arn(string queue) => _arnPrefix + queue;

    /// <summary>The queue an ARN of this node names, or null.</summary>
    public string? QueueOfArn(string arn) =>
        arn.StartsWith(_arnPrefix, StringComparison.Ordinal) && arn.Length > _arnPrefix.Length ? arn[_arnPrefix.Length..] : null;

    /// <summary>The queue a <c>QueueUrl</c> names: its last path segment. The host is not checked: behind a proxy the
    /// client may know this node by any name.</summary>
    public static string QueueOf(string? queueUrl)
    {
        if (string.IsNullOrEmpty(queueUrl)) throw SqsException.MissingParameter("QueueUrl");
        var path = queueUrl.AsSpan().TrimEnd('/');
        var query = path.IndexOfAny('?', '#');
        if (query >= 0) path = path[..query];
        var slash = path.LastIndexOf('/');
        var name = path[(slash + 1)..];
        return name.IsEmpty ? throw SqsException.InvalidAddress(queueUrl) : name.ToString();
    }
}
