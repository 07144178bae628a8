using Microsoft.AspNetCore.Http.Features;
using Spartan.Api.Configuration;
using Spartan.Api.Features.Sqs.Protocol;
using Spartan.Api.Http;

namespace Spartan.Api.Features.Sqs;

/// <summary>SigV4 on the SQS door (SPEC §11): who the caller is from the headers alone, then whether the signature holds
/// over the body that was read.</summary>
public sealed class SqsAuthentication(AccessKeys keys, SqsConfig config, TimeProvider time)
{
    private const string Service = "sqs";

    /// <summary>The key the request claims, before its body is read: an unsigned request or an unknown id costs no body.
    /// Null when the node has no keys (anything is accepted, signed or not).</summary>
    public (SigV4Authorization Auth, SigningKey Key)? Identify(HttpRequest request)
    {
        if (!keys.Required) return null;
        var header = request.Headers.Authorization.ToString();
        if (header.Length == 0) throw SqsException.MissingAuthenticationToken();
        if (!SigV4Authorization.TryParse(header, out var auth))
            throw new SqsException(403, "IncompleteSignature", "IncompleteSignature",
                "The Authorization header is not 'AWS4-HMAC-SHA256 Credential=…, SignedHeaders=…, Signature=…'.");
        if (!keys.TryGetSigningKey(auth.KeyId, out var key)) throw SqsException.InvalidClientTokenId();
        if (auth.Region != config.Region)
            throw SqsException.SignatureDoesNotMatch($"Credential should be scoped to a valid region, not '{auth.Region}'; this node is '{config.Region}'.");
        if (auth.Service != Service)
            throw SqsException.SignatureDoesNotMatch($"Credential should be scoped to correct service: '{Service}'.");
        return (auth, key);
    }

    /// <summary>Checks the signature over the request as it came off the wire and the body read.</summary>
    public SqsCaller Verify((SigV4Authorization Auth, SigningKey Key)? claimed, HttpContext context, ReadOnlySpan<byte> body)
    {
        if (claimed is not { } c) return SqsCaller.Anyone;
        var request = context.Request;
        var target = context.Features.Get<IHttpRequestFeature>()?.RawTarget ?? request.Path.Value ?? "/";
        var question = target.IndexOf('?', StringComparison.Ordinal);
        var path = question < 0 ? target : target[..question];
        var query = question < 0 ? "" : target[question..];
        var headers = request.Headers;
        var outcome = SigV4.Verify(c.Auth, c.Key.Secret, request.Method, path, query,
            name => headers.TryGetValue(name, out var values) ? string.Join(',', values.ToArray()) : null,
            SigV4.Sha256Hex(body), time.GetUtcNow());
        return outcome switch
        {
            SigV4Outcome.Valid => SqsCaller.With(c.Key, c.Auth.KeyId),
            SigV4Outcome.Expired => throw SqsException.SignatureDoesNotMatch(
                "Signature expired: X-Amz-Date is more than 15 minutes from this node's clock."),
            SigV4Outcome.InvalidDate or SigV4Outcome.CredentialDateMismatch => throw SqsException.SignatureDoesNotMatch(
                "X-Amz-Date is missing, not yyyyMMddTHHmmssZ, or not the date of the credential scope."),
            SigV4Outcome.HostNotSigned => throw SqsException.SignatureDoesNotMatch("The host header must be signed."),
            _ => throw SqsException.SignatureDoesNotMatch(
                "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method."),
        };
    }
}
