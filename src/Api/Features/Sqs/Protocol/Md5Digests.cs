using System.Buffers;
using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using System.Text;

namespace Spartan.Api.Features.Sqs.Protocol;

/// <summary>
/// The MD5 digests SQS answers with (<c>MD5OfMessageBody</c>, <c>MD5OfBody</c>, <c>MD5OfMessageAttributes</c>):
/// the SDKs recompute them and throw on a difference, so they follow AWS's byte layout exactly.
/// </summary>
public static class Md5Digests
{
    private const byte StringTransport = 1;
    private const byte BinaryTransport = 2;
    private const int StackLimit = 512;

    /// <summary>Lowercase hex MD5 of the body's UTF-8 bytes.</summary>
    public static string OfMessageBody(string body)
    {
        ArgumentNullException.ThrowIfNull(body);
        var length = Encoding.UTF8.GetByteCount(body);
        var rented = length > StackLimit ? ArrayPool<byte>.Shared.Rent(length) : null;
        var bytes = rented is null ? stackalloc byte[StackLimit] : rented;
        try
        {
            Encoding.UTF8.GetBytes(body, bytes);
            return Hex(bytes[..length]);
        }
        finally
        {
            if (rented is not null)
                ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <summary>
    /// Lowercase hex MD5 of the attributes in ordinal name order, each as: length-prefixed name, length-prefixed
    /// DataType, then transport byte 1 and the length-prefixed UTF-8 string, or 2 and the length-prefixed bytes
    /// (lengths are 4-byte big-endian). Pass only the attributes the answer carries. Null when there are none, as
    /// SQS then leaves the digest out.
    /// </summary>
    public static string? OfMessageAttributes(IReadOnlyList<SqsAttributeValue> attributes)
    {
        ArgumentNullException.ThrowIfNull(attributes);
        var count = attributes.Count;
        if (count == 0)
            return null;

        // SQS allows 10 attributes; the sort is over indexes so no copy of the list is needed.
        Span<int> order = count <= 64 ? stackalloc int[count] : new int[count];
        var length = 0;
        for (var i = 0; i < count; i++)
        {
            order[i] = i;
            length += EncodedLength(attributes[i]);
        }

        SortByName(order, attributes);
        var buffer = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            var written = 0;
            foreach (var index in order)
                written += Write(attributes[index], buffer.AsSpan(written));
            return Hex(buffer.AsSpan(0, written));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static int EncodedLength(in SqsAttributeValue attribute)
    {
        var length = 4 + Encoding.UTF8.GetByteCount(attribute.Name) + 4 + Encoding.UTF8.GetByteCount(attribute.DataType);
        if (attribute.StringValue is { } text)
            length += 1 + 4 + Encoding.UTF8.GetByteCount(text);
        else if (attribute.BinaryValue is { } bytes)
            length += 1 + 4 + bytes.Length;
        return length;
    }

    // The transport byte follows the value present, as the SDKs choose it: String and Number types carry a string,
    // Binary types bytes.
    private static int Write(in SqsAttributeValue attribute, Span<byte> destination)
    {
        var at = WriteString(attribute.Name, destination);
        at += WriteString(attribute.DataType, destination[at..]);
        if (attribute.StringValue is { } text)
        {
            destination[at++] = StringTransport;
            at += WriteString(text, destination[at..]);
        }
        else if (attribute.BinaryValue is { } bytes)
        {
            destination[at++] = BinaryTransport;
            BinaryPrimitives.WriteInt32BigEndian(destination[at..], bytes.Length);
            bytes.CopyTo(destination[(at + 4)..]);
            at += 4 + bytes.Length;
        }

        return at;
    }

    private static int WriteString(string text, Span<byte> destination)
    {
        var length = Encoding.UTF8.GetBytes(text, destination[4..]);
        BinaryPrimitives.WriteInt32BigEndian(destination, length);
        return 4 + length;
    }

    private static void SortByName(Span<int> order, IReadOnlyList<SqsAttributeValue> attributes)
    {
        // Insertion sort: a handful of names, and no comparer delegate to allocate.
        for (var i = 1; i < order.Length; i++)
        {
            var current = order[i];
            var name = attributes[current].Name;
            var j = i - 1;
            while (j >= 0 && string.CompareOrdinal(attributes[order[j]].Name, name) > 0)
            {
                order[j + 1] = order[j];
                j--;
            }

            order[j + 1] = current;
        }
    }

    [SuppressMessage("Security", "CA5351", Justification = "The SQS wire protocol defines these digests as MD5; they check integrity, not secrets.")]
    private static string Hex(ReadOnlySpan<byte> data)
    {
        Span<byte> hash = stackalloc byte[MD5.HashSizeInBytes];
        MD5.HashData(data, hash);
        return Convert.ToHexStringLower(hash);
    }
}
