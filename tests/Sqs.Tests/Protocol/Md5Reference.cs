using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using System.Text;
using Spartan.Api.Features.Sqs.Protocol;

namespace Spartan.Sqs.Tests.Protocol;

/// <summary>
/// AWS's message digests written out plainly from the SQS documentation, sharing no code with
/// <see cref="Md5Digests"/>, so the two agreeing is evidence rather than a restatement.
/// </summary>
[SuppressMessage("Security", "CA5351", Justification = "SQS defines these digests as MD5.")]
internal static class Md5Reference
{
    public static string OfText(string text) => Convert.ToHexStringLower(MD5.HashData(Encoding.UTF8.GetBytes(text)));

    /// <summary>
    /// Names sorted ordinally; for each: len32be(name) name len32be(DataType) DataType, then 1 len32be(value) value for
    /// String and Number types or 2 len32be(bytes) bytes for Binary ones.
    /// </summary>
    /// <param name="attributes">The attributes, in any order.</param>
    /// <param name="order">Another name order, only to show a test would notice it.</param>
    public static string OfAttributes(IEnumerable<SqsAttributeValue> attributes, IComparer<string>? order = null)
    {
        using var buffer = new MemoryStream();
        foreach (var attribute in attributes.OrderBy(a => a.Name, order ?? StringComparer.Ordinal))
        {
            WritePrefixed(buffer, Encoding.UTF8.GetBytes(attribute.Name));
            WritePrefixed(buffer, Encoding.UTF8.GetBytes(attribute.DataType));
            if (attribute.DataType.StartsWith("Binary", StringComparison.Ordinal))
            {
                buffer.WriteByte(2);
                WritePrefixed(buffer, attribute.BinaryValue!);
            }
            else
            {
                buffer.WriteByte(1);
                WritePrefixed(buffer, Encoding.UTF8.GetBytes(attribute.StringValue!));
            }
        }

        return Convert.ToHexStringLower(MD5.HashData(buffer.ToArray()));
    }

    private static void WritePrefixed(MemoryStream buffer, byte[] bytes)
    {
        Span<byte> length = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(length, bytes.Length);
        buffer.Write(length);
        buffer.Write(bytes);
    }
}
