using System.Buffers;
using System.IO.Pipelines;
using Spartan.Replication.Framing;
using Xunit;
using static Spartan.Replication.Tests.Framing.FramingTestKit;

namespace Spartan.Replication.Tests.Framing;

/// <summary>Frames written by <see cref="FrameWriter"/> come back intact from <see cref="FrameReader"/>.</summary>
public sealed class FrameRoundTripTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public async Task Many_random_frames_round_trip_through_a_pipe_with_a_concurrent_writer(int seed)
    {
        const int max = 40_000;
        var random = new Random(seed);
        List<TestFrame> frames = RandomFrames(random, count: 400, maxPayloadLength: max);
        using CancellationTokenSource deadline = Deadline();

        // Above max + header, or a max-size frame could never be read (see FrameReader remarks);
        // below the total, so the writer really does wait on the reader now and then.
        var pipe = new Pipe(new PipeOptions(pauseWriterThreshold: 128 * 1024, resumeWriterThreshold: 64 * 1024));
        var writer = new FrameWriter(pipe.Writer, max);
        Task send = Task.Run(
            async () =>
            {
                var sendRandom = new Random(seed + 1000);
                foreach (TestFrame frame in frames)
                {
                    // Exercise every write path, and flush at random points so reads see batches and fragments.
                    switch (sendRandom.Next(3))
                    {
                        case 0:
                            writer.Write(frame.Type, frame.Payload);
                            break;
                        case 1:
                            writer.Write(frame.Type, Segmented(frame.Payload, sendRandom, maxChunk: 5000));
                            break;
                        default:
                            await writer.WriteAsync(frame.Type, frame.Payload, deadline.Token);
                            break;
                    }

                    if (sendRandom.Next(4) == 0)
                    {
                        await writer.FlushAsync(deadline.Token);
                    }
                }

                await pipe.Writer.CompleteAsync();
            },
            deadline.Token);

        var reader = new FrameReader(pipe.Reader, max);
        List<TestFrame> received = await ReadAllAsync(reader, deadline.Token);
        await send;
        await pipe.Reader.CompleteAsync();

        AssertSameFrames(frames, received);
    }

    [Theory]
    [InlineData(1, 11)]
    [InlineData(7, 12)]
    [InlineData(64, 13)]
    public async Task Frames_delivered_in_small_flushed_chunks_round_trip(int maxChunk, int seed)
    {
        const int max = 300;
        var random = new Random(seed);
        List<TestFrame> frames = RandomFrames(random, count: 150, maxPayloadLength: max);
        byte[] bytes = await EncodeAsync(frames, max);
        using CancellationTokenSource deadline = Deadline();

        // maxChunk 1 is byte by byte: every header and payload boundary falls mid-read.
        var pipe = new Pipe();
        Task feed = FeedAsync(pipe.Writer, bytes, random, maxChunk, deadline.Token);
        List<TestFrame> received = await ReadAllAsync(new FrameReader(pipe.Reader, max), deadline.Token);
        await feed;

        AssertSameFrames(frames, received);
    }

    [Theory]
    [InlineData(21)]
    [InlineData(22)]
    public async Task Frames_straddling_arbitrary_segment_boundaries_round_trip(int seed)
    {
        const int max = 200;
        var random = new Random(seed);
        List<TestFrame> frames = RandomFrames(random, count: 150, maxPayloadLength: max);
        byte[] bytes = await EncodeAsync(frames, max);
        using CancellationTokenSource deadline = Deadline();

        // One read hands over every frame at once, but spread over segments of 1..6 bytes.
        PipeReader input = PipeReader.Create(Segmented(bytes, random, maxChunk: 6));
        List<TestFrame> received = await ReadAllAsync(new FrameReader(input, max), deadline.Token);

        AssertSameFrames(frames, received);
    }

    [Fact]
    public async Task Empty_payloads_round_trip_between_other_frames()
    {
        TestFrame[] frames = [new(1, []), new(2, [9, 8, 7]), new(3, []), new(4, [])];
        byte[] bytes = await EncodeAsync(frames, maxPayloadLength: 16);
        using CancellationTokenSource deadline = Deadline();

        List<TestFrame> received = await ReadAllAsync(
            new FrameReader(PipeReader.Create(new ReadOnlySequence<byte>(bytes)), 16), deadline.Token);

        Assert.Equal(4 * FrameLayout.HeaderLength + 3, bytes.Length);
        AssertSameFrames(frames, received);
    }

    [Fact]
    public async Task Writer_produces_the_documented_layout()
    {
        // Golden bytes: the wire format must not drift without this test changing.
        byte[] bytes = await EncodeAsync([new(0x2A, [1, 2, 3]), new(0xFF, [])], maxPayloadLength: 16);

        Assert.Equal(
            new byte[] { 0, 0, 0, 3, 0x2A, 1, 2, 3, 0, 0, 0, 0, 0xFF },
            bytes);
    }

    [Fact]
    public async Task A_stream_that_ends_between_frames_ends_cleanly_and_stays_ended()
    {
        byte[] bytes = await EncodeAsync([new(5, [1])], maxPayloadLength: 16);
        using CancellationTokenSource deadline = Deadline();
        var reader = new FrameReader(PipeReader.Create(new ReadOnlySequence<byte>(bytes)), 16);

        Frame? frame = await reader.ReadFrameAsync(deadline.Token);

        Assert.NotNull(frame);
        Assert.Equal(5, frame.Value.Type);
        Assert.Null(await reader.ReadFrameAsync(deadline.Token));
        Assert.Null(await reader.ReadFrameAsync(deadline.Token));
    }
}
