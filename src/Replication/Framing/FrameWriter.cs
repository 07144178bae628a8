using System.Buffers.Binary;
using System.Buffers;
using System.IO.Pipelines;

namespace Spartan.Replication.Framing;

// Owner: the one loop that sends on a replication connection. Not thread-safe: frames from
// two writers would interleave mid-frame and corrupt the stream for good. Failures: an
// oversized payload throws before anything is written (the stream stays valid); exceptions
// from the pipe or the socket behind it propagate, and the owner drops the connection.

/// <summary>
/// Writes frames in the <see cref="FrameLayout"/> format to a <see cref="PipeWriter"/>
/// (wrap a socket <see cref="Stream"/> with <see cref="PipeWriter.Create(Stream, StreamPipeWriterOptions?)"/>).
/// </summary>
/// <remarks>
/// <see cref="Write(byte, ReadOnlySpan{byte})"/> only buffers, so a sender can queue a batch
/// of frames and pay for one <see cref="FlushAsync"/> (one syscall, one wake-up of the peer).
/// The writer neither owns nor completes the <see cref="PipeWriter"/>.
/// </remarks>
public sealed class FrameWriter
{
    private readonly PipeWriter _output;
    private readonly int _maxPayloadLength;

    /// <param name="output">Destination; the caller completes it.</param>
    /// <param name="maxPayloadLength">
    /// Largest payload this side will send; keep it equal to the peer's reader limit so an
    /// oversized frame fails here, with a stack trace, rather than as a remote disconnect.
    /// </param>
    public FrameWriter(PipeWriter output, int maxPayloadLength)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentOutOfRangeException.ThrowIfNegative(maxPayloadLength);
        _output = output;
        _maxPayloadLength = maxPayloadLength;
    }

    /// <summary>Buffers one frame; nothing reaches the peer until <see cref="FlushAsync"/>.</summary>
    public void Write(byte type, ReadOnlySpan<byte> payload)
    {
        WriteHeader(type, payload.Length);
        _output.Write(payload);
    }

    /// <summary>Buffers one frame whose payload is already split in segments (no flattening copy).</summary>
    public void Write(byte type, in ReadOnlySequence<byte> payload)
    {
        WriteHeader(type, payload.Length);
        foreach (ReadOnlyMemory<byte> segment in payload)
        {
            _output.Write(segment.Span);
        }
    }

    /// <summary>Buffers one frame and flushes everything buffered so far.</summary>
    public ValueTask<FlushResult> WriteAsync(byte type, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        Write(type, payload.Span);
        return _output.FlushAsync(cancellationToken);
    }

    /// <summary>
    /// Sends the buffered frames; waits while the reader is behind (back-pressure).
    /// <see cref="FlushResult.IsCompleted"/> means the reading side is gone.
    /// </summary>
    public ValueTask<FlushResult> FlushAsync(CancellationToken cancellationToken) =>
        _output.FlushAsync(cancellationToken);

    private void WriteHeader(byte type, long payloadLength)
    {
        // Checked before the header is written, so a refused frame leaves no partial bytes behind.
        if (payloadLength > _maxPayloadLength)
        {
            throw new ArgumentOutOfRangeException(
                nameof(payloadLength),
                payloadLength,
                $"Frame payload of {payloadLength} bytes exceeds the maximum of {_maxPayloadLength} bytes.");
        }

        Span<byte> header = _output.GetSpan(FrameLayout.HeaderLength);
        BinaryPrimitives.WriteUInt32BigEndian(header, (uint)payloadLength);
        header[FrameLayout.TypeOffset] = type;
        _output.Advance(FrameLayout.HeaderLength);
    }
}
