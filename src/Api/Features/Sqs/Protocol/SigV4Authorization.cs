namespace Spartan.Api.Features.Sqs.Protocol;

/// <summary>The parts of an <c>Authorization: AWS4-HMAC-SHA256 …</c> header a server needs to verify it.</summary>
public readonly struct SigV4Authorization
{
    /// <summary>The algorithm name every SigV4 header starts with.</summary>
    public const string Algorithm = "AWS4-HMAC-SHA256";

    private const string Terminator = "aws4_request";

    /// <summary>The access key id: the caller looks up its secret before reading the body.</summary>
    public string KeyId { get; }

    /// <summary>The credential scope's date, <c>yyyyMMdd</c>.</summary>
    public string Date { get; }

    public string Region { get; }

    public string Service { get; }

    /// <summary>The <c>SignedHeaders</c> value exactly as sent: it is part of the canonical request.</summary>
    public string SignedHeaders { get; }

    /// <summary>The 64 hex digits of the signature.</summary>
    public string Signature { get; }

    /// <summary>The signed header names split once here so verification does not allocate them again.</summary>
    internal string[] SignedHeaderNames { get; }

    /// <summary>False for <c>default</c>, so verifying an unparsed value fails instead of throwing.</summary>
    internal bool IsParsed => SignedHeaderNames is not null;

    private SigV4Authorization(string keyId, string date, string region, string service, string signedHeaders,
        string[] signedHeaderNames, string signature)
    {
        KeyId = keyId;
        Date = date;
        Region = region;
        Service = service;
        SignedHeaders = signedHeaders;
        SignedHeaderNames = signedHeaderNames;
        Signature = signature;
    }

    /// <summary>
    /// Parses <c>AWS4-HMAC-SHA256 Credential=…, SignedHeaders=…, Signature=…</c>: the three components in any order,
    /// separated by commas with or without spaces, as AWS accepts them. Anything else is a failure, never an exception.
    /// </summary>
    public static bool TryParse(string? header, out SigV4Authorization auth)
    {
        auth = default;
        if (header is null || !header.StartsWith(Algorithm, StringComparison.Ordinal))
            return false;

        var rest = header.AsSpan(Algorithm.Length);
        if (rest.IsEmpty || rest[0] != ' ')
            return false;

        ReadOnlySpan<char> credential = default, signedHeaders = default, signature = default;
        bool haveCredential = false, haveSignedHeaders = false, haveSignature = false;
        foreach (var range in rest.Split(','))
        {
            var part = rest[range].Trim(' ');
            if (part.IsEmpty)
                continue;
            var eq = part.IndexOf('=');
            if (eq <= 0)
                return false;
            var name = part[..eq];
            var value = part[(eq + 1)..];
            // A repeated component could hide which value was checked; AWS rejects it too.
            if (name is "Credential" && !haveCredential)
            {
                credential = value;
                haveCredential = true;
            }
            else if (name is "SignedHeaders" && !haveSignedHeaders)
            {
                signedHeaders = value;
                haveSignedHeaders = true;
            }
            else if (name is "Signature" && !haveSignature)
            {
                signature = value;
                haveSignature = true;
            }
            else
            {
                return false;
            }
        }

        if (!haveCredential || !haveSignedHeaders || !haveSignature)
            return false;
        if (!TryParseCredential(credential, out var keyId, out var date, out var region, out var service))
            return false;
        if (!TrySplitSignedHeaders(signedHeaders, out var names))
            return false;
        if (signature.Length != 64 || !IsHex(signature))
            return false;

        auth = new SigV4Authorization(keyId, date, region, service, signedHeaders.ToString(), names,
            signature.ToString());
        return true;
    }

    // <keyId>/<yyyyMMdd>/<region>/<service>/aws4_request, split from the right so the scope is unambiguous.
    private static bool TryParseCredential(ReadOnlySpan<char> credential, out string keyId, out string date,
        out string region, out string service)
    {
        keyId = date = region = service = "";
        var end = credential.Length;
        Span<Range> scope = stackalloc Range[4];
        for (var i = 3; i >= 0; i--)
        {
            var slash = credential[..end].LastIndexOf('/');
            if (slash < 0)
                return false;
            scope[i] = new Range(slash + 1, end);
            end = slash;
        }

        if (end == 0 || !credential[scope[3]].SequenceEqual(Terminator))
            return false;
        var dateSpan = credential[scope[0]];
        if (dateSpan.Length != 8 || !IsDigits(dateSpan) || credential[scope[1]].IsEmpty || credential[scope[2]].IsEmpty)
            return false;

        keyId = credential[..end].ToString();
        date = dateSpan.ToString();
        region = credential[scope[1]].ToString();
        service = credential[scope[2]].ToString();
        return true;
    }

    // Names must already be in the lowercase form the canonical request uses, or no client could have signed them.
    private static bool TrySplitSignedHeaders(ReadOnlySpan<char> signedHeaders, out string[] names)
    {
        names = [];
        if (signedHeaders.IsEmpty)
            return false;
        var count = signedHeaders.Count(';') + 1;
        var result = new string[count];
        var i = 0;
        foreach (var range in signedHeaders.Split(';'))
        {
            var name = signedHeaders[range];
            if (name.IsEmpty || !IsLowercaseToken(name))
                return false;
            result[i++] = name.ToString();
        }

        names = result;
        return true;
    }

    private static bool IsLowercaseToken(ReadOnlySpan<char> name)
    {
        foreach (var c in name)
        {
            // RFC 9110 token characters, less the uppercase letters.
            if (c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '!' or '#' or '$' or '%' or '&' or '\'' or '*'
                or '+' or '-' or '.' or '^' or '_' or '`' or '|' or '~')
                continue;
            return false;
        }

        return true;
    }

    private static bool IsDigits(ReadOnlySpan<char> s)
    {
        foreach (var c in s)
        {
            if (!char.IsAsciiDigit(c))
                return false;
        }

        return true;
    }

    private static bool IsHex(ReadOnlySpan<char> s)
    {
        foreach (var c in s)
        {
            if (!char.IsAsciiHexDigit(c))
                return false;
        }

        return true;
    }
}
