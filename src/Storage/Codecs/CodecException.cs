namespace Spartan.Storage.Codecs;

/// <summary>Bytes that are not a record this build can read: malformed, of a newer format, or of an unknown type.</summary>
public sealed class CodecException : Exception
{
    public CodecException(string message) : base(message) { }

    public CodecException(string message, Exception inner) : base(message, inner) { }
}
