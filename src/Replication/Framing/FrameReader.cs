using System.Buffers.Binary;
using System.Buffers;
using System.IO.Pipelines;

namespace Spartan.Replication.Framing;

// Owner: the one read loop of a replication connection. Not thread-safe: one ReadFrameAsync
// at a time, and a returned payload borrows the pipe's buffers until the next call.
// Failures: a FrameException means the peer broke the protocol and the byte stream cannot be
// resynchronised; the owner logs it, closes the connection and lets the reconnect policy run.
// Cancellation (token or PipeReader.CancelPendingRead) throws OperationCanceledException and
// loses no bytes, so reading may resume. After a FrameException the reader is done.

/// <summary>
/// Reads <see cref="FrameLayout"/> frames from a <see cref="PipeReader"/> without copying
/// payloads, refusing any frame larger than a fixed maximum as soon as its header arrives.
/// </summary>
/// <remarks>
/// Like SignalR's connection read loop: frames are parsed in place from the pipe's buffer,
/// and the consumed position is only advanced once every complete frame in that buffer has
/// been handed out. Payloads are therefore valid until the next <see cref="ReadFrameAsync"/>.
/// For a frame of the maximum size to ever complete, the pipe must be able to hold it
/// unconsumed: a <see cref="Pipe"/>'s <see cref="PipeOptions.PauseWriterThreshold"/> must be
/// above <c>maxPayloadLength + FrameLayout.HeaderLength</c> (a stream-backed reader from
/// <see cref="PipeReader.Create(Stream, StreamPipeReaderOptions?)"/> has no such limit).
/// The reader neither owns nor completes the <see cref="PipeReader"/>.
/// </remarks>
public sealed class FrameReader
{
    private readonly PipeReader _input;
    private int _maxPayloadLength;

    // The unparsed rest of the last ReadResult while we still hold it (have not called
    // AdvanceTo); frames already returned from it lie before its start.
    private ReadOnlySequence<byte> _buffer;
    private bool _holdingBuffer;
    private bool _inputCompleted;

    /// <param name="input">Source; the caller completes it.</param>
    /// <param name="maxPayloadLength">
    /// Largest payload accepted; a larger declared length is a protocol violation, so a
    /// corrupt or hostile length can never make this side buffer gigabytes.
    /// </param>
    public FrameReader(PipeReader input, int maxPayloadLength)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentOutOfRangeException.ThrowIfNegative(maxPayloadLength);
        _input = input;
        _maxPayloadLength = maxPayloadLength;
    }

    /// <summary>
    /// Largest payload the next frames may declare. A replication link starts low (the peer is not
    /// authenticated yet, SPEC §9) and raises it once the handshake has proven who is talking.
    /// </summary>
    public int MaxPayloadLength
    {
        get => _maxPayloadLength;
        set
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value);
            _maxPayloadLength = value;
        }
    }

    /// <summary>
    /// The next frame, or <see langword="null"/> when the stream ended cleanly between frames.
    /// </summary>
    /// <exception cref="FrameException">Oversized frame, or the stream ended inside a frame.</exception>
    /// <exception cref="OperationCanceledException">The token fired or the pending read was cancelled.</exception>
    public async ValueTask<Frame?> ReadFrameAsync(CancellationToken cancellationToken)
    {
        if (_holdingBuffer)
        {
            // Serve frames already received before asking the pipe for more: one ReadAsync
            // can carry a whole batch of small frames.
            if (TryParseFrame(ref _buffer, out Frame buffered))
            {
                return buffered;
            }

            if (ReleaseBuffer())
            {
                return null;
            }
        }

        while (true)
        {
            ReadResult result = await _input.ReadAsync(cancellationToken).ConfigureAwait(false);
            _buffer = result.Buffer;
            _holdingBuffer = true;
            _inputCompleted = result.IsCompleted;

            if (result.IsCanceled)
            {
                // Consume nothing: CancelPendingRead asks the loop to stop, not to drop data.
                _input.AdvanceTo(_buffer.Start);
                _holdingBuffer = false;
                throw new OperationCanceledException("The pending frame read was cancelled.");
            }

            if (TryParseFrame(ref _buffer, out Frame frame))
            {
                return frame;
            }

            if (ReleaseBuffer())
            {
                return null;
            }
        }
    }

    /// <summary>
    /// Gives the held buffer back to the pipe, keeping the partial frame at its start.
    /// Returns true on a clean end of stream; throws if the stream ended mid-frame.
    /// </summary>
    private bool ReleaseBuffer()
    {
        ReadOnlySequence<byte> rest = _buffer;

        // Everything seen is examined, so the next ReadAsync waits for new bytes instead of
        // spinning on the same incomplete frame.
        _input.AdvanceTo(rest.Start, rest.End);
        _holdingBuffer = false;
        _buffer = default;

        if (!_inputCompleted)
        {
            return false;
        }

        if (rest.IsEmpty)
        {
            return true;
        }

        throw Truncated(rest);
    }

    private bool TryParseFrame(ref ReadOnlySequence<byte> buffer, out Frame frame)
    {
        frame = default;
        if (buffer.Length < FrameLayout.HeaderLength)
        {
            return false;
        }

        ReadFrameHeader(buffer, out uint payloadLength, out byte type);

        // Refused from the header alone, before waiting for (or buffering) the payload.
        if (payloadLength > (uint)_maxPayloadLength)
        {
            throw new FrameException(
                $"Frame of type {type} declares a payload of {payloadLength} bytes, above the maximum of {_maxPayloadLength} bytes.");
        }

        if (buffer.Length - FrameLayout.HeaderLength < payloadLength)
        {
            return false;
        }

        ReadOnlySequence<byte> payload = buffer.Slice(FrameLayout.HeaderLength, payloadLength);
        frame = new Frame(type, payload);
        buffer = buffer.Slice(payload.End);
        return true;
    }

    private static void ReadFrameHeader(in ReadOnlySequence<byte> buffer, out uint payloadLength, out byte type)
    {
        ReadOnlySpan<byte> first = buffer.FirstSpan;
        Span<byte> copy = stackalloc byte[FrameLayout.HeaderLength];
        ReadOnlySpan<byte> header = first.Length >= FrameLayout.HeaderLength ? first : copy;
        if (first.Length < FrameLayout.HeaderLength)
        {
            // Rare: the header straddles two segments.
            buffer.Slice(0, FrameLayout.HeaderLength).CopyTo(copy);
        }

        payloadLength = BinaryPrimitives.ReadUInt32BigEndian(header);
        type = header[FrameLayout.TypeOffset];
    }

    private static FrameException Truncated(in ReadOnlySequence<byte> rest)
    {
        if (rest.Length < FrameLayout.HeaderLength)
        {
            return new FrameException(
                $"Stream ended inside a frame header ({rest.Length} of {FrameLayout.HeaderLength} bytes received).");
        }

        ReadFrameHeader(rest, out uint payloadLength, out byte type);
        return new FrameException(
            $"Stream ended inside the payload of a frame of type {type} ({rest.Length - FrameLayout.HeaderLength} of {payloadLength} bytes received).");
    }
}
