using System.Buffers;

namespace Spartan.Api.Http;

/// <summary>A request body copied out of Kestrel's pipe as it arrives, in segments that double in size (no copy on
/// growth), for bodies that do not arrive in one read.</summary>
/// <remarks>Reading such a body in place would mean leaving it examined but unconsumed in Kestrel's pipe; when the
/// client then cuts the transfer short, Kestrel cannot reset that pipe and logs a warning with a stack trace for
/// the connection. Consuming every read keeps Kestrel's pipe clean whatever the client does.</remarks>
internal sealed class BodyBuffer
{
    private const int FirstSegment = 16 * 1024;

    private Segment? _first;
    private Segment? _last;

    public long Length { get; private set; }

    public void Append(in ReadOnlySequence<byte> data)
    {
        foreach (var memory in data)
        {
            var span = memory.Span;
            while (!span.IsEmpty)
            {
                if (_last is null || _last.Free == 0) Grow(span.Length);
                var taken = Math.Min(span.Length, _last!.Free);
                span[..taken].CopyTo(_last.Array.AsSpan(_last.Used));
                _last.Used += taken;
                span = span[taken..];
                Length += taken;
            }
        }
    }

    public ReadOnlySequence<byte> ToSequence()
    {
        if (_first is null) return ReadOnlySequence<byte>.Empty;
        for (var segment = _first; segment is not null; segment = (Segment?)segment.Next) segment.Seal();
        return new ReadOnlySequence<byte>(_first, 0, _last!, _last!.Used);
    }

    private void Grow(int wanted)
    {
        // Double the total so far: a body of n bytes takes O(log n) segments and at most about 2n bytes.
        var size = (int)Math.Min(Array.MaxLength, Math.Max(Math.Max(FirstSegment, wanted), Length));
        var segment = new Segment(new byte[size], Length);
        if (_last is null) _first = segment;
        else _last.Link(segment);
        _last = segment;
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(byte[] array, long runningIndex)
        {
            Array = array;
            RunningIndex = runningIndex;
        }

        public byte[] Array { get; }
        public int Used { get; set; }
        public int Free => Array.Length - Used;

        public void Link(Segment next) => Next = next;

        public void Seal() => Memory = Array.AsMemory(0, Used);
    }
}
