using System.Buffers;
using System.IO.Pipelines;
using Spartan.Replication.Framing;
using Xunit;

namespace Spartan.Replication.Tests.Framing;

/// <summary>Builders shared by the framing tests: random frames, encodings, segmented feeds.</summary>
internal static class FramingTestKit
{
    /// <summary>Every read is bounded so a framing bug shows up as a failure, never as a hung run.</summary>
    public static CancellationTokenSource Deadline()
    {
        var cts = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        cts.CancelAfter(TimeSpan.FromSeconds(30));
        return cts;
    }

    public static List<TestFrame> RandomFrames(Random random, int count, int maxPayloadLength)
    {
        var frames = new List<TestFrame>(count);
        for (int i = 0; i < count; i++)
        {
            // One in eight is empty: the zero-length edge must show up between ordinary frames too.
            int length = random.Next(8) == 0 ? 0 : random.Next(maxPayloadLength + 1);
            var payload = new byte[length];
            random.NextBytes(payload);
            frames.Add(new TestFrame((byte)random.Next(256), payload));
        }

        return frames;
    }

    public static async Task<byte[]> EncodeAsync(IEnumerable<TestFrame> frames, int maxPayloadLength)
    {
        using var stream = new MemoryStream();
        PipeWriter output = PipeWriter.Create(stream, new StreamPipeWriterOptions(leaveOpen: true));
        var writer = new FrameWriter(output, maxPayloadLength);
        foreach (TestFrame frame in frames)
        {
            writer.Write(frame.Type, frame.Payload);
        }

        await output.FlushAsync();
        await output.CompleteAsync();
        return stream.ToArray();
    }

    /// <summary>Writes <paramref name="data"/> in chunks of 1..maxChunk bytes, flushing each, then completes.</summary>
    public static async Task FeedAsync(PipeWriter output, byte[] data, Random random, int maxChunk, CancellationToken cancellationToken)
    {
        int offset = 0;
        while (offset < data.Length)
        {
            int chunk = Math.Min(random.Next(1, maxChunk + 1), data.Length - offset);
            await output.WriteAsync(data.AsMemory(offset, chunk), cancellationToken);
            offset += chunk;
        }

        await output.CompleteAsync();
    }

    /// <summary>A sequence of many small segments, so headers and payloads straddle segment edges.</summary>
    public static ReadOnlySequence<byte> Segmented(byte[] data, Random random, int maxChunk)
    {
        if (data.Length == 0)
        {
            return ReadOnlySequence<byte>.Empty;
        }

        int first = Math.Min(random.Next(1, maxChunk + 1), data.Length);
        var head = new Segment(data.AsMemory(0, first), 0);
        Segment tail = head;
        int offset = first;
        while (offset < data.Length)
        {
            int chunk = Math.Min(random.Next(1, maxChunk + 1), data.Length - offset);
            tail = tail.Append(data.AsMemory(offset, chunk));
            offset += chunk;
        }

        return new ReadOnlySequence<byte>(head, 0, tail, tail.Memory.Length);
    }

    /// <summary>Reads to the clean end, copying each payload before the next read invalidates it.</summary>
    public static async Task<List<TestFrame>> ReadAllAsync(FrameReader reader, CancellationToken cancellationToken)
    {
        var frames = new List<TestFrame>();
        while (await reader.ReadFrameAsync(cancellationToken) is { } frame)
        {
            frames.Add(new TestFrame(frame.Type, frame.Payload.ToArray()));
        }

        return frames;
    }

    public static void AssertSameFrames(IReadOnlyList<TestFrame> expected, IReadOnlyList<TestFrame> actual)
    {
        Assert.Equal(expected.Count, actual.Count);
        for (int i = 0; i < expected.Count; i++)
        {
            Assert.Equal(expected[i].Type, actual[i].Type);
            Assert.Equal(expected[i].Payload, actual[i].Payload);
        }
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, long runningIndex)
        {
            Memory = memory;
            RunningIndex = runningIndex;
        }

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }
}

/// <summary>A frame with an owned payload, as the tests expect and record it.</summary>
internal sealed record TestFrame(byte Type, byte[] Payload);
