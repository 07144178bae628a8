using System.Buffers.Binary;
using System.Buffers;
using System.IO.Pipelines;
using Spartan.Replication.Framing;
using Xunit;
using static Spartan.Replication.Tests.Framing.FramingTestKit;

namespace Spartan.Replication.Tests.Framing;

/// <summary>The size guard, truncation and cancellation behaviour of <see cref="FrameReader"/>.</summary>
public sealed class FrameReaderGuardTests
{
    private const int Max = 4096;

    [Fact]
    public async Task A_payload_of_exactly_the_maximum_is_accepted()
    {
        var payload = new byte[Max];
        new Random(31).NextBytes(payload);
        byte[] bytes = await EncodeAsync([new(9, payload)], Max);
        using CancellationTokenSource deadline = Deadline();

        List<TestFrame> received = await ReadAllAsync(
            new FrameReader(PipeReader.Create(new ReadOnlySequence<byte>(bytes)), Max), deadline.Token);

        AssertSameFrames([new(9, payload)], received);
    }

    [Fact]
    public async Task A_declared_length_of_maximum_plus_one_is_refused_from_the_header_alone()
    {
        using CancellationTokenSource deadline = Deadline();
        var pipe = new Pipe();

        // Only the header is sent and the pipe stays open: the reader must refuse now rather
        // than wait for (and buffer) a payload it will never accept.
        await pipe.Writer.WriteAsync(Header(Max + 1, type: 3), deadline.Token);

        FrameException error = await Assert.ThrowsAsync<FrameException>(
            async () => await new FrameReader(pipe.Reader, Max).ReadFrameAsync(deadline.Token));
        Assert.Contains($"{Max + 1}", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0x8000_0000u)]
    [InlineData(0xFFFF_FFFFu)]
    public async Task Declared_lengths_beyond_Int32_are_refused(uint declaredLength)
    {
        using CancellationTokenSource deadline = Deadline();
        var input = PipeReader.Create(new ReadOnlySequence<byte>(Header(declaredLength, type: 1)));

        await Assert.ThrowsAsync<FrameException>(
            async () => await new FrameReader(input, int.MaxValue).ReadFrameAsync(deadline.Token));
    }

    [Fact]
    public async Task The_writer_refuses_a_payload_above_its_maximum_without_writing_anything()
    {
        using var stream = new MemoryStream();
        PipeWriter output = PipeWriter.Create(stream);
        var writer = new FrameWriter(output, maxPayloadLength: 4);

        Assert.Throws<ArgumentOutOfRangeException>(() => writer.Write(1, new byte[5]));
        Assert.Throws<ArgumentOutOfRangeException>(() => writer.Write(1, new ReadOnlySequence<byte>(new byte[5])));
        writer.Write(2, [1, 2, 3, 4]);
        await output.FlushAsync(TestContext.Current.CancellationToken);

        Assert.Equal(new byte[] { 0, 0, 0, 4, 2, 1, 2, 3, 4 }, stream.ToArray());
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(4)]
    public async Task A_stream_ending_inside_a_header_is_a_protocol_violation(int headerBytes)
    {
        byte[] whole = await EncodeAsync([new(1, [1, 2]), new(2, [3])], Max);

        // The first frame is fine; the stream is cut inside the second frame's header.
        byte[] cut = whole[..(FrameLayout.HeaderLength + 2 + headerBytes)];

        FrameException error = await ReadUntilViolationAsync(cut, expectedFramesBefore: 1);
        Assert.Contains("header", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(5)]
    [InlineData(9)]
    public async Task A_stream_ending_inside_a_payload_is_a_protocol_violation(int payloadBytes)
    {
        byte[] whole = await EncodeAsync([new(7, new byte[10])], Max);
        byte[] cut = whole[..(FrameLayout.HeaderLength + payloadBytes)];

        FrameException error = await ReadUntilViolationAsync(cut, expectedFramesBefore: 0);
        Assert.Contains($"{payloadBytes} of 10", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_cancelled_token_stops_a_waiting_read_and_reading_can_resume()
    {
        using CancellationTokenSource deadline = Deadline();
        var pipe = new Pipe();
        var reader = new FrameReader(pipe.Reader, Max);
        await pipe.Writer.WriteAsync(Header(2, type: 4).Concat(new byte[] { 1 }).ToArray(), deadline.Token);

        using (var cancel = CancellationTokenSource.CreateLinkedTokenSource(deadline.Token))
        {
            ValueTask<Frame?> waiting = reader.ReadFrameAsync(cancel.Token);
            await cancel.CancelAsync();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await waiting);
        }

        // The half-received frame was kept: its last byte completes it.
        await pipe.Writer.WriteAsync(new byte[] { 2 }, deadline.Token);
        Frame? frame = await reader.ReadFrameAsync(deadline.Token);

        Assert.NotNull(frame);
        Assert.Equal(new byte[] { 1, 2 }, frame.Value.Payload.ToArray());
    }

    [Fact]
    public async Task Cancel_pending_read_stops_a_waiting_read_and_reading_can_resume()
    {
        using CancellationTokenSource deadline = Deadline();
        var pipe = new Pipe();
        var reader = new FrameReader(pipe.Reader, Max);

        ValueTask<Frame?> waiting = reader.ReadFrameAsync(deadline.Token);
        pipe.Reader.CancelPendingRead();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await waiting);

        await pipe.Writer.WriteAsync(Header(0, type: 6), deadline.Token);
        Frame? frame = await reader.ReadFrameAsync(deadline.Token);

        Assert.NotNull(frame);
        Assert.Equal(6, frame.Value.Type);
        Assert.True(frame.Value.Payload.IsEmpty);
    }

    private static byte[] Header(uint payloadLength, byte type)
    {
        var header = new byte[FrameLayout.HeaderLength];
        BinaryPrimitives.WriteUInt32BigEndian(header, payloadLength);
        header[4] = type;
        return header;
    }

    private static byte[] Header(int payloadLength, byte type) => Header((uint)payloadLength, type);

    /// <summary>Feeds <paramref name="bytes"/> one byte per flush, so truncation is found incrementally too.</summary>
    private static async Task<FrameException> ReadUntilViolationAsync(byte[] bytes, int expectedFramesBefore)
    {
        using CancellationTokenSource deadline = Deadline();
        var pipe = new Pipe();
        Task feed = FeedAsync(pipe.Writer, bytes, new Random(41), maxChunk: 1, deadline.Token);
        var reader = new FrameReader(pipe.Reader, Max);

        for (int i = 0; i < expectedFramesBefore; i++)
        {
            Assert.NotNull(await reader.ReadFrameAsync(deadline.Token));
        }

        FrameException error = await Assert.ThrowsAsync<FrameException>(
            async () => await reader.ReadFrameAsync(deadline.Token));
        await feed;
        return error;
    }
}
