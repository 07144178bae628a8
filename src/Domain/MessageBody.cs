using System.Text;

namespace Spartan.Domain;

/// <summary>A message body as UTF-8 bytes: about half the memory of a .NET string for the ASCII text most bodies
/// are, and the form it has on the wire and on disk.</summary>
/// <remarks>Immutable (the bytes are copied in and never handed out as an array); compares by content, so events
/// and images that hold it keep value equality.</remarks>
public readonly struct MessageBody : IEquatable<MessageBody>
{
    private readonly byte[]? _utf8;

    private MessageBody(byte[] utf8) => _utf8 = utf8;

    /// <summary>The body's UTF-8 bytes.</summary>
    public ReadOnlySpan<byte> Utf8 => _utf8;

    /// <summary>The body's length in UTF-8 bytes (what <c>body_size</c> limits).</summary>
    public int ByteCount => _utf8?.Length ?? 0;

    /// <summary>The body of a text: every string the API accepts is valid Unicode, so nothing is replaced.</summary>
    public static MessageBody FromString(string text) => new(Encoding.UTF8.GetBytes(text));

    /// <summary>A copy of bytes read from the store or a peer; refuses what is not UTF-8, so no answer can fail on it.</summary>
    /// <exception cref="FormatException">The bytes are not valid UTF-8.</exception>
    public static MessageBody FromUtf8(ReadOnlySpan<byte> utf8) =>
        System.Text.Unicode.Utf8.IsValid(utf8) ? new(utf8.ToArray()) : throw new FormatException("A message body is not valid UTF-8.");

    public static implicit operator MessageBody(string text) => FromString(text);

    public static bool operator ==(MessageBody left, MessageBody right) => left.Equals(right);

    public static bool operator !=(MessageBody left, MessageBody right) => !left.Equals(right);

    /// <summary>The body as text (a new string each call: for answers and tools, not for the commit loop).</summary>
    public override string ToString() => Encoding.UTF8.GetString(Utf8);

    public bool Equals(MessageBody other) => Utf8.SequenceEqual(other.Utf8);

    public override bool Equals(object? obj) => obj is MessageBody other && Equals(other);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.AddBytes(Utf8);
        return hash.ToHashCode();
    }
}
