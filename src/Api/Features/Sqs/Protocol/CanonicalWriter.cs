using System.Buffers;
using System.Text;

namespace Spartan.Api.Features.Sqs.Protocol;

/// <summary>
/// UTF-8 bytes of a SigV4 canonical request or string to sign, in a pooled buffer: they are hashed, never kept, so
/// building them as strings would only make garbage on every request.
/// </summary>
internal ref struct CanonicalWriter
{
    private byte[] _buffer;
    private int _length;

    public CanonicalWriter(int capacity) => _buffer = ArrayPool<byte>.Shared.Rent(capacity);

    public readonly ReadOnlySpan<byte> Written => _buffer.AsSpan(0, _length);

    public void Clear() => _length = 0;

    public void Dispose()
    {
        if (_buffer is null)
            return;
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = null!;
    }

    public void Append(byte b)
    {
        Ensure(1);
        _buffer[_length++] = b;
    }

    public void Append(char ascii) => Append((byte)ascii);

    public void Append(scoped ReadOnlySpan<char> text)
    {
        Ensure(Encoding.UTF8.GetMaxByteCount(text.Length));
        _length += Encoding.UTF8.GetBytes(text, _buffer.AsSpan(_length));
    }

    public void AppendLowerHex(scoped ReadOnlySpan<byte> bytes)
    {
        Ensure(bytes.Length * 2);
        foreach (var b in bytes)
        {
            _buffer[_length++] = (byte)"0123456789abcdef"[b >> 4];
            _buffer[_length++] = (byte)"0123456789abcdef"[b & 0xF];
        }
    }

    /// <summary>
    /// Percent-encodes every UTF-8 byte but the unreserved <c>A-Za-z0-9-._~</c> (and <c>/</c> when
    /// <paramref name="keepSlash"/>), with uppercase hex. With <paramref name="decodeFirst"/>, a valid <c>%XX</c> in
    /// the input stands for its byte, so a value read off the wire canonicalises like the one the client encoded.
    /// </summary>
    public void AppendUriEncoded(scoped ReadOnlySpan<char> text, bool keepSlash, bool decodeFirst)
    {
        Span<byte> rune = stackalloc byte[4];
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (decodeFirst && c == '%' && IsHexPair(text, i + 1))
            {
                AppendEncodedByte((byte)((HexValue(text[i + 1]) << 4) | HexValue(text[i + 2])));
                i += 3;
            }
            else if (c < 0x80)
            {
                if (keepSlash && c == '/')
                    Append((byte)'/');
                else
                    AppendEncodedByte((byte)c);
                i++;
            }
            else
            {
                // A lone surrogate becomes U+FFFD, as every SDK's UTF-8 encoder makes it.
                Rune.DecodeFromUtf16(text[i..], out var r, out var consumed);
                var n = r.EncodeToUtf8(rune);
                foreach (var b in rune[..n])
                    AppendEncodedByte(b);
                i += consumed;
            }
        }
    }

    /// <summary>A header value as SigV4 canonicalises it: trimmed, each run of spaces or tabs made one space.</summary>
    public void AppendHeaderValue(scoped ReadOnlySpan<char> value)
    {
        value = value.Trim(" \t");
        while (true)
        {
            var blank = value.IndexOfAny(' ', '\t');
            if (blank < 0)
            {
                Append(value);
                return;
            }

            Append(value[..blank]);
            Append((byte)' ');
            value = value[blank..].TrimStart(" \t");
        }
    }

    private void AppendEncodedByte(byte b)
    {
        if (IsUnreserved(b))
        {
            Append(b);
            return;
        }

        Ensure(3);
        _buffer[_length++] = (byte)'%';
        _buffer[_length++] = (byte)"0123456789ABCDEF"[b >> 4];
        _buffer[_length++] = (byte)"0123456789ABCDEF"[b & 0xF];
    }

    private static bool IsUnreserved(byte b) =>
        b is (>= (byte)'A' and <= (byte)'Z') or (>= (byte)'a' and <= (byte)'z') or (>= (byte)'0' and <= (byte)'9')
            or (byte)'-' or (byte)'.' or (byte)'_' or (byte)'~';

    private static bool IsHexPair(ReadOnlySpan<char> text, int at) =>
        at + 1 < text.Length && char.IsAsciiHexDigit(text[at]) && char.IsAsciiHexDigit(text[at + 1]);

    private static int HexValue(char c) => c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;

    private void Ensure(int more)
    {
        if (_length + more <= _buffer.Length)
            return;
        var bigger = ArrayPool<byte>.Shared.Rent(Math.Max(_buffer.Length * 2, _length + more));
        _buffer.AsSpan(0, _length).CopyTo(bigger);
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = bigger;
    }
}
