using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace Spartan.Sqs.Tests.Protocol;

/// <summary>
/// A SigV4 signer written from the AWS documentation with plain strings and sharing no code with the verifier, so
/// a request it signs tests the verifier rather than agreeing with it by construction. It takes the canonical path
/// and query ready-made: the tests that use it sign requests whose path and query need no encoding.
/// </summary>
internal static partial class ReferenceSigner
{
    public static string Signature(string secret, string method, string canonicalPath, string canonicalQuery,
        IReadOnlyDictionary<string, string> headers, IEnumerable<string> signedHeaders, string payloadSha256Hex,
        string amzDate, string region, string service)
    {
        var names = signedHeaders.Order(StringComparer.Ordinal).ToArray();
        var canonicalHeaders = string.Concat(names.Select(n => $"{n}:{Blanks().Replace(headers[n].Trim(), " ")}\n"));
        var canonicalRequest = string.Join('\n', method, canonicalPath, canonicalQuery, canonicalHeaders,
            string.Join(';', names), payloadSha256Hex);
        var date = amzDate[..8];
        var stringToSign = string.Join('\n', "AWS4-HMAC-SHA256", amzDate, $"{date}/{region}/{service}/aws4_request",
            Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonicalRequest))));
        var key = Hmac(Hmac(Hmac(Hmac(Encoding.UTF8.GetBytes("AWS4" + secret), date), region), service), "aws4_request");
        return Convert.ToHexStringLower(Hmac(key, stringToSign));
    }

    public static string Authorization(string keyId, string amzDate, string region, string service,
        IEnumerable<string> signedHeaders, string signature) =>
        $"AWS4-HMAC-SHA256 Credential={keyId}/{amzDate[..8]}/{region}/{service}/aws4_request, "
        + $"SignedHeaders={string.Join(';', signedHeaders.Order(StringComparer.Ordinal))}, Signature={signature}";

    private static byte[] Hmac(byte[] key, string data) => HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(data));

    [GeneratedRegex("[ \t]+")]
    private static partial Regex Blanks();
}
