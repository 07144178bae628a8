using System.IO.Pipelines;
using Spartan.Replication.Framing;
using Xunit;
using static Spartan.Replication.Tests.Framing.FramingTestKit;

namespace Spartan.Replication.Tests.Framing;

/// <summary>Whatever bytes arrive, the reader yields frames or a <see cref="FrameException"/>, and ends.</summary>
public sealed class FrameGarbageTests
{
    private const int Max = 64;
    private const int Cases = 400;

    [Fact]
    public async Task Random_garbage_yields_clean_frames_or_a_frame_exception_and_never_hangs()
    {
        int clean = 0;
        int violations = 0;
        for (int seed = 0; seed < Cases; seed++)
        {
            var random = new Random(seed);
            byte[] garbage = await GarbageAsync(random);
            using CancellationTokenSource deadline = Deadline();

            // Half the cases arrive in flushed chunks over a pipe (incremental parsing), half
            // as one read of a finely segmented sequence (parsing across segment edges).
            PipeReader input;
            Task feed;
            if (seed % 2 == 0)
            {
                var pipe = new Pipe();
                input = pipe.Reader;
                feed = FeedAsync(pipe.Writer, garbage, random, maxChunk: 16, deadline.Token);
            }
            else
            {
                input = PipeReader.Create(Segmented(garbage, random, maxChunk: 7));
                feed = Task.CompletedTask;
            }

            // Any exception other than FrameException (the deadline's included) fails the test.
            if (await EndsCleanlyAsync(new FrameReader(input, Max), garbage.Length, deadline.Token))
            {
                clean++;
            }
            else
            {
                violations++;
            }

            await feed;
            await input.CompleteAsync();
        }

        // Both outcomes must be exercised, or the generator no longer tests what it claims to.
        Assert.True(clean > Cases / 10, $"only {clean} clean streams");
        Assert.True(violations > Cases / 10, $"only {violations} violations");
    }

    private static async Task<bool> EndsCleanlyAsync(FrameReader reader, int byteCount, CancellationToken cancellationToken)
    {
        int frames = 0;
        try
        {
            while (await reader.ReadFrameAsync(cancellationToken) is { } frame)
            {
                Assert.InRange(frame.Payload.Length, 0, Max);

                // Every frame consumes at least a header, so more frames than this means the
                // reader is inventing them instead of advancing.
                Assert.InRange(++frames, 1, (byteCount / FrameLayout.HeaderLength) + 1);
            }

            return true;
        }
        catch (FrameException)
        {
            return false;
        }
    }

    /// <summary>
    /// Pure noise almost always trips the size guard, so half the cases are valid streams with
    /// a few bytes overwritten and a random cut, which reach the truncation and clean paths.
    /// </summary>
    private static async Task<byte[]> GarbageAsync(Random random)
    {
        if (random.Next(2) == 0)
        {
            var noise = new byte[random.Next(0, 257)];
            random.NextBytes(noise);
            return noise;
        }

        byte[] bytes = await EncodeAsync(RandomFrames(random, count: random.Next(1, 8), maxPayloadLength: Max), Max);
        int corruptions = random.Next(0, 3);
        for (int i = 0; i < corruptions; i++)
        {
            bytes[random.Next(bytes.Length)] = (byte)random.Next(256);
        }

        return random.Next(3) == 0 ? bytes[..random.Next(bytes.Length + 1)] : bytes;
    }
}
