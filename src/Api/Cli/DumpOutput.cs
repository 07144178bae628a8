using System.Buffers;
using System.Text.Json.Serialization.Metadata;
using System.Text.Json;
using System.Text;
using NodaTime;

namespace Spartan.Api.Cli;

/// <summary>The standard output of <c>spartan dump</c>: text and JSON lines gathered in one character buffer and
/// handed to the target writer in large blocks, so a dump of 100 000+ messages costs a few hundred writes rather
/// than one (flushed) write per line.</summary>
/// <remarks>Lines end with <c>\n</c> (JSON lines). <see cref="Flush"/> must be called at the end; disposing returns
/// the buffer to the pool without writing it.</remarks>
internal sealed class DumpOutput : IDisposable
{
    private const int BlockSize = 32 * 1024;
    private const int PreviewLength = 40;
    private readonly TextWriter _target;
    private readonly ArrayBufferWriter<byte> _json = new(1024);
    private readonly Utf8JsonWriter _jsonWriter;
    private char[] _chars = ArrayPool<char>.Shared.Rent(BlockSize);
    private int _used;

    public DumpOutput(TextWriter target)
    {
        _target = target;
        _jsonWriter = new Utf8JsonWriter(_json, DumpJson.WriterOptions);
    }

    /// <summary>Serialises <paramref name="value"/> as one compact JSON object followed by a newline.</summary>
    public void JsonLine<T>(T value, JsonTypeInfo<T> type)
    {
        _json.ResetWrittenCount();
        _jsonWriter.Reset(_json);
        JsonSerializer.Serialize(_jsonWriter, value, type);
        var bytes = _json.WrittenSpan;
        var span = Reserve(Encoding.UTF8.GetMaxCharCount(bytes.Length) + 1);
        var written = Encoding.UTF8.GetChars(bytes, span);
        span[written] = '\n';
        _used += written + 1;
    }

    public void Text(ReadOnlySpan<char> text)
    {
        text.CopyTo(Reserve(text.Length));
        _used += text.Length;
    }

    public void Char(char c)
    {
        Reserve(1)[0] = c;
        _used++;
    }

    public void Spaces(int count)
    {
        if (count <= 0) return;
        Reserve(count)[..count].Fill(' ');
        _used += count;
    }

    public void Line() => Char('\n');

    /// <summary><paramref name="text"/> padded with spaces to <paramref name="width"/>, then a column gap.</summary>
    public void Left(ReadOnlySpan<char> text, int width)
    {
        Text(text);
        Spaces(width - text.Length + DumpCommand.Gap);
    }

    /// <summary><paramref name="value"/> right-aligned in <paramref name="width"/>; a column gap after it unless last.</summary>
    public void Right(long value, int width, bool last = false)
    {
        Span<char> digits = stackalloc char[20];
        value.TryFormat(digits, out var length, provider: System.Globalization.CultureInfo.InvariantCulture);
        Spaces(width - length);
        Text(digits[..length]);
        if (!last) Spaces(DumpCommand.Gap);
    }

    /// <summary>A time in the dump's one format, then a column gap.</summary>
    public void Time(Instant instant)
    {
        Span<char> text = stackalloc char[32];
        Left(text[..DumpTime.Format(instant, text)], DumpTime.Length);
    }

    /// <summary>At most <see cref="PreviewLength"/> characters of <paramref name="body"/> on one line: line breaks,
    /// tabs and other control characters escaped, an ellipsis where it was cut.</summary>
    public void Preview(string body)
    {
        var fits = EscapedLength(body, PreviewLength) <= PreviewLength;
        var room = fits ? PreviewLength : PreviewLength - 1;
        var span = Reserve(PreviewLength);
        var n = 0;
        for (var i = 0; i < body.Length; i++)
        {
            var c = body[i];
            var pair = char.IsHighSurrogate(c) && i + 1 < body.Length && char.IsLowSurrogate(body[i + 1]);
            var need = pair ? 2 : Escaped(c);
            if (n + need > room) break;
            if (pair)
            {
                span[n++] = c;
                span[n++] = body[++i];
            }
            else if (need == 1)
            {
                span[n++] = c;
            }
            else
            {
                n += Escape(c, span[n..]);
            }
        }

        if (!fits) span[n++] = '…';
        _used += n;
    }

    /// <summary>Writes everything gathered so far to the target.</summary>
    public void Flush()
    {
        if (_used == 0) return;
        _target.Write(_chars.AsSpan(0, _used));
        _used = 0;
    }

    public void Dispose()
    {
        _jsonWriter.Dispose();
        if (_chars.Length == 0) return;
        ArrayPool<char>.Shared.Return(_chars);
        _chars = [];
    }

    /// <summary>Free room for at least <paramref name="length"/> characters, writing out (or growing) the buffer.</summary>
    private Span<char> Reserve(int length)
    {
        if (_chars.Length - _used >= length) return _chars.AsSpan(_used);
        Flush();
        if (_chars.Length < length)
        {
            ArrayPool<char>.Shared.Return(_chars);
            _chars = ArrayPool<char>.Shared.Rent(length);
        }

        return _chars.AsSpan(_used);
    }

    private static int EscapedLength(string body, int stopAbove)
    {
        var length = 0;
        for (var i = 0; i < body.Length && length <= stopAbove; i++) length += Escaped(body[i]);
        return length;
    }

    private static int Escaped(char c) => c switch
    {
        '\n' or '\r' or '\t' => 2,
        '\u2028' or '\u2029' => 6,
        _ when char.IsControl(c) => 6,
        _ => 1,
    };

    private static int Escape(char c, Span<char> into)
    {
        into[0] = '\\';
        switch (c)
        {
            case '\n': into[1] = 'n'; return 2;
            case '\r': into[1] = 'r'; return 2;
            case '\t': into[1] = 't'; return 2;
            default:
                into[1] = 'u';
                ((int)c).TryFormat(into[2..], out _, "x4", System.Globalization.CultureInfo.InvariantCulture);
                return 6;
        }
    }
}
