using System.Buffers;

namespace Spartan.Replication.Framing;

/// <summary>
/// One frame read by <see cref="FrameReader"/>: its type byte and a view of its payload.
/// </summary>
/// <remarks>
/// <see cref="Payload"/> points into the <see cref="System.IO.Pipelines.PipeReader"/>'s
/// buffers and is valid only until the next <see cref="FrameReader.ReadFrameAsync"/> call;
/// copy it (<c>Payload.ToArray()</c>, or into a pooled buffer) to keep it longer. Not a
/// record: value equality over a borrowed buffer view would compare positions, not bytes.
/// </remarks>
public readonly struct Frame
{
    public Frame(byte type, ReadOnlySequence<byte> payload)
    {
        Type = type;
        Payload = payload;
    }

    public byte Type { get; }

    public ReadOnlySequence<byte> Payload { get; }
}
