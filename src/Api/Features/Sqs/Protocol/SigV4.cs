using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Spartan.Api.Features.Sqs.Protocol;

/// <summary>How checking a SigV4-signed request ended; every expected failure is a value, not an exception.</summary>
public enum SigV4Outcome
{
    Valid,

    /// <summary>The Authorization header is not <c>AWS4-HMAC-SHA256 Credential=…, SignedHeaders=…, Signature=…</c>.</summary>
    MalformedAuthorization,

    /// <summary><c>host</c> is not among the signed headers, so the signature could be replayed to another server.</summary>
    HostNotSigned,

    /// <summary><c>X-Amz-Date</c> is missing or not <c>yyyyMMdd'T'HHmmss'Z'</c>.</summary>
    InvalidDate,

    /// <summary>The credential scope's date is not the date of <c>X-Amz-Date</c>.</summary>
    CredentialDateMismatch,

    /// <summary><c>X-Amz-Date</c> is more than 15 minutes before or after now.</summary>
    Expired,

    /// <summary>A signed <c>X-Amz-Content-SHA256</c> is not the SHA-256 of the body received.</summary>
    PayloadHashMismatch,

    /// <summary>The signature is not the one the secret makes for this request (or a signed header is absent).</summary>
    SignatureMismatch,
}

/// <summary>Verifies AWS Signature Version 4 (<c>AWS4-HMAC-SHA256</c>) on requests signed by the AWS SDKs.</summary>
public static class SigV4
{
    /// <summary>How far <c>X-Amz-Date</c> may be from the server's clock either way, as AWS allows.</summary>
    public static readonly TimeSpan MaxSkew = TimeSpan.FromMinutes(15);

    /// <summary>The hex SHA-256 of an empty body.</summary>
    public const string EmptyPayloadSha256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    private const int HashSize = SHA256.HashSizeInBytes;

    /// <summary>The lowercase hex SHA-256 of a body, as <see cref="Verify"/> takes it.</summary>
    public static string Sha256Hex(ReadOnlySpan<byte> body)
    {
        Span<byte> hash = stackalloc byte[HashSize];
        SHA256.HashData(body, hash);
        return Convert.ToHexStringLower(hash);
    }

    /// <summary>Checks a parsed Authorization header against the request and the secret of its key id.</summary>
    /// <param name="auth">The Authorization header, parsed by <see cref="SigV4Authorization.TryParse"/>.</param>
    /// <param name="secret">The secret of <see cref="SigV4Authorization.KeyId"/>.</param>
    /// <param name="method">The HTTP method as sent.</param>
    /// <param name="path">The path as sent, still percent-encoded (the raw request target before any <c>?</c>).</param>
    /// <param name="query">The query as sent, with or without its <c>?</c>; empty when there is none.</param>
    /// <param name="header">A header's value by lowercase name, repeated values joined by <c>,</c>; null when absent.</param>
    /// <param name="payloadSha256Hex">The lowercase hex SHA-256 of the body received, computed by the caller.</param>
    /// <param name="now">The server's time, from its <see cref="TimeProvider"/>.</param>
    public static SigV4Outcome Verify(in SigV4Authorization auth, string secret, string method, string path,
        string query, Func<string, string?> header, string payloadSha256Hex, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(secret);
        ArgumentNullException.ThrowIfNull(header);
        if (!auth.IsParsed)
            return SigV4Outcome.MalformedAuthorization;
        var names = auth.SignedHeaderNames;
        if (Array.IndexOf(names, "host") < 0)
            return SigV4Outcome.HostNotSigned;

        var amzDate = header("x-amz-date");
        if (!TryParseAmzDate(amzDate, out var signedAt))
            return SigV4Outcome.InvalidDate;
        if (!amzDate.AsSpan(0, 8).SequenceEqual(auth.Date))
            return SigV4Outcome.CredentialDateMismatch;
        if ((now - signedAt).Duration() > MaxSkew)
            return SigV4Outcome.Expired;
        // Unsigned, the header proves nothing and is ignored; signed, it must not claim another body than the one read.
        if (Array.IndexOf(names, "x-amz-content-sha256") >= 0
            && !string.Equals(header("x-amz-content-sha256")?.Trim(), payloadSha256Hex, StringComparison.OrdinalIgnoreCase))
            return SigV4Outcome.PayloadHashMismatch;

        var writer = new CanonicalWriter(1024);
        try
        {
            writer.Append(method);
            writer.Append('\n');
            SigV4Canonical.AppendPath(ref writer, path);
            writer.Append('\n');
            SigV4Canonical.AppendQuery(ref writer, query);
            writer.Append('\n');
            foreach (var name in names)
            {
                if (header(name) is not { } value)
                    return SigV4Outcome.SignatureMismatch;
                writer.Append(name);
                writer.Append(':');
                writer.AppendHeaderValue(value);
                writer.Append('\n');
            }

            writer.Append('\n');
            writer.Append(auth.SignedHeaders);
            writer.Append('\n');
            writer.Append(payloadSha256Hex);
            Span<byte> canonicalHash = stackalloc byte[HashSize];
            SHA256.HashData(writer.Written, canonicalHash);

            writer.Clear();
            writer.Append(SigV4Authorization.Algorithm);
            writer.Append('\n');
            writer.Append(amzDate);
            writer.Append('\n');
            writer.Append(auth.Date);
            writer.Append('/');
            writer.Append(auth.Region);
            writer.Append('/');
            writer.Append(auth.Service);
            writer.Append("/aws4_request\n");
            writer.AppendLowerHex(canonicalHash);

            Span<byte> key = stackalloc byte[HashSize];
            DeriveSigningKey(secret, auth.Date, auth.Region, auth.Service, key);
            Span<byte> expected = stackalloc byte[HashSize];
            HMACSHA256.HashData(key, writer.Written, expected);
            CryptographicOperations.ZeroMemory(key);

            Span<byte> given = stackalloc byte[HashSize];
            Convert.FromHexString(auth.Signature, given, out _, out _);
            return CryptographicOperations.FixedTimeEquals(expected, given)
                ? SigV4Outcome.Valid
                : SigV4Outcome.SignatureMismatch;
        }
        finally
        {
            writer.Dispose();
        }
    }

    /// <summary>Parses <c>yyyyMMdd'T'HHmmss'Z'</c>, the only form of <c>X-Amz-Date</c> SDKs send.</summary>
    public static bool TryParseAmzDate(string? value, out DateTimeOffset signedAt)
    {
        signedAt = default;
        if (value is not { Length: 16 }
            || !DateTime.TryParseExact(value, "yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture,
                DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var utc))
            return false;
        signedAt = new DateTimeOffset(utc, TimeSpan.Zero);
        return true;
    }

    // HMAC("AWS4" + secret, date) → region → service → "aws4_request".
    internal static void DeriveSigningKey(string secret, string date, string region, string service, Span<byte> key)
    {
        var length = 4 + Encoding.UTF8.GetByteCount(secret);
        var rented = length > 256 ? ArrayPool<byte>.Shared.Rent(length) : null;
        var seed = rented is null ? stackalloc byte[256] : rented;
        try
        {
            "AWS4"u8.CopyTo(seed);
            Encoding.UTF8.GetBytes(secret, seed[4..]);
            Span<byte> step = stackalloc byte[HashSize];
            HmacUtf8(seed[..length], date, step);
            HmacUtf8(step, region, key);
            HmacUtf8(key, service, step);
            HMACSHA256.HashData(step, "aws4_request"u8, key);
            CryptographicOperations.ZeroMemory(step);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(seed[..length]);
            if (rented is not null)
                ArrayPool<byte>.Shared.Return(rented);
        }
    }

    private static void HmacUtf8(ReadOnlySpan<byte> key, string data, Span<byte> destination)
    {
        var length = Encoding.UTF8.GetByteCount(data);
        var rented = length > 256 ? ArrayPool<byte>.Shared.Rent(length) : null;
        var bytes = rented is null ? stackalloc byte[256] : rented;
        Encoding.UTF8.GetBytes(data, bytes);
        HMACSHA256.HashData(key, bytes[..length], destination);
        if (rented is not null)
            ArrayPool<byte>.Shared.Return(rented);
    }
}
