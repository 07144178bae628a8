using System.Text;

namespace Spartan.Api.Features.Sqs.Protocol;

/// <summary>The path and query parts of a SigV4 canonical request, from the request as it came off the wire.</summary>
internal static class SigV4Canonical
{
    /// <summary>
    /// The canonical URI of a non-S3 service from the path as sent (still percent-encoded): empty and <c>.</c>
    /// segments dropped, <c>..</c> removing the one before, then every segment encoded again. Clients sign their
    /// already-encoded path encoded once more (the "double encoding" of the spec; aws-sdk-js, botocore and the .NET
    /// SDK agree), so encoding the wire form, <c>%</c> included, reproduces it without guessing how it was encoded.
    /// </summary>
    /// <remarks>Paths with characters a queue URL never holds (<c>+ : @ !</c>, encoded spaces, empty segments) are signed
    /// differently by different SDKs, and may not verify; queue URLs hold letters, digits, <c>- _ .</c> and slashes only.</remarks>
    public static void AppendPath(ref CanonicalWriter writer, ReadOnlySpan<char> path)
    {
        var segments = path.Count('/') + 1;
        Span<Range> kept = segments <= 64 ? stackalloc Range[segments] : new Range[segments];
        var count = 0;
        foreach (var range in path.Split('/'))
        {
            var segment = path[range];
            if (segment.IsEmpty || segment is ".")
                continue;
            if (segment is "..")
            {
                if (count > 0)
                    count--;
                continue;
            }

            kept[count++] = range;
        }

        writer.Append('/');
        for (var i = 0; i < count; i++)
        {
            if (i > 0)
                writer.Append('/');
            writer.AppendUriEncoded(path[kept[i]], keepSlash: false, decodeFirst: false);
        }

        if (count > 0 && path.EndsWith('/'))
            writer.Append('/');
    }

    /// <summary>
    /// The canonical query string: each name and value decoded from the wire and encoded the SigV4 way, sorted by
    /// name then value. A <c>+</c> stays a literal plus: SDKs send spaces as <c>%20</c>.
    /// </summary>
    public static void AppendQuery(ref CanonicalWriter writer, ReadOnlySpan<char> query)
    {
        if (query.StartsWith('?'))
            query = query[1..];
        // SQS's JSON protocol never sends a query, so the sorting below allocates only for the rare caller that does.
        if (query.IsEmpty)
            return;

        var pairs = new List<KeyValuePair<string, string>>();
        foreach (var range in query.Split('&'))
        {
            var parameter = query[range];
            if (parameter.IsEmpty)
                continue;
            var eq = parameter.IndexOf('=');
            var name = eq < 0 ? parameter : parameter[..eq];
            var value = eq < 0 ? [] : parameter[(eq + 1)..];
            pairs.Add(new KeyValuePair<string, string>(Encode(name), Encode(value)));
        }

        pairs.Sort(static (a, b) =>
        {
            var byName = string.CompareOrdinal(a.Key, b.Key);
            return byName != 0 ? byName : string.CompareOrdinal(a.Value, b.Value);
        });
        for (var i = 0; i < pairs.Count; i++)
        {
            if (i > 0)
                writer.Append('&');
            writer.Append(pairs[i].Key);
            writer.Append('=');
            writer.Append(pairs[i].Value);
        }
    }

    private static string Encode(ReadOnlySpan<char> component)
    {
        var writer = new CanonicalWriter(component.Length * 3 + 16);
        try
        {
            writer.AppendUriEncoded(component, keepSlash: false, decodeFirst: true);
            return Encoding.ASCII.GetString(writer.Written);
        }
        finally
        {
            writer.Dispose();
        }
    }
}
