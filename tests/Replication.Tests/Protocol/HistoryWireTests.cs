using System.Buffers;
using MessagePack;
using Spartan.Engine;
using Spartan.Replication.Protocol;

namespace Spartan.Replication.Tests.Protocol;

/// <summary>The History and Plan frames (protocol version 2) round-trip, and a malformed one fails as a protocol error.</summary>
public sealed class HistoryWireTests
{
    private static readonly History Sample = new(Guid.NewGuid(), [new Epoch(1, Guid.NewGuid(), 1), new Epoch(3, Guid.NewGuid(), 900)]);

    [Fact]
    public void The_replica_history_and_the_plan_round_trip()
    {
        var wire = new ArrayBufferWriter<byte>();
        WireCodec.Write(new ReplicaHistory(Sample, 1234, 1000), wire);
        var (history, applied, floor) = WireCodec.ReadReplicaHistory(new ReadOnlySequence<byte>(wire.WrittenMemory));
        Assert.True(history.SameAs(Sample));
        Assert.Equal((1234L, 1000L), (applied, floor));

        wire.ResetWrittenCount();
        WireCodec.Write(new Plan(PlanAction.Truncate, 899, 2000, Sample), wire);
        var plan = WireCodec.ReadPlan(new ReadOnlySequence<byte>(wire.WrittenMemory));
        Assert.Equal((PlanAction.Truncate, 899L, 2000L), (plan.Action, plan.After, plan.Committed));
        Assert.True(plan.History.SameAs(Sample));
    }

    [Fact]
    public void Epochs_out_of_order_an_unknown_action_or_garbage_fail_as_protocol_errors()
    {
        // [[id, [[3, id, 1], [1, id, 5]]], applied, floor]: epoch 3 before epoch 1.
        var wire = new ArrayBufferWriter<byte>();
        var writer = new MessagePackWriter(wire);
        writer.WriteArrayHeader(3);
        writer.WriteArrayHeader(2);
        writer.Write(Guid.NewGuid().ToByteArray());
        writer.WriteArrayHeader(2);
        foreach (var (number, start) in new[] { (3L, 1L), (1L, 5L) })
        {
            writer.WriteArrayHeader(3);
            writer.Write(number);
            writer.Write(Guid.NewGuid().ToByteArray());
            writer.Write(start);
        }

        writer.Write(1L);
        writer.Write(0L);
        writer.Flush();
        var error = Assert.Throws<ProtocolException>(() => WireCodec.ReadReplicaHistory(new ReadOnlySequence<byte>(wire.WrittenMemory)));
        Assert.Contains("out of order", error.Message, StringComparison.Ordinal);

        wire.ResetWrittenCount();
        WireCodec.Write(new Plan(PlanAction.Stream, 1, 1, Sample), wire);
        var bytes = wire.WrittenSpan.ToArray();
        Assert.Equal((byte)PlanAction.Stream, bytes[1]); // the action, right after the array header
        bytes[1] = 9;
        Assert.Throws<ProtocolException>(() => WireCodec.ReadPlan(new ReadOnlySequence<byte>(bytes)));

        var random = new Random(12);
        for (var i = 0; i < 2000; i++)
        {
            var garbage = new byte[random.Next(0, 96)];
            random.NextBytes(garbage);
            foreach (var read in new Action[]
                     {
                         () => WireCodec.ReadReplicaHistory(new ReadOnlySequence<byte>(garbage)),
                         () => WireCodec.ReadPlan(new ReadOnlySequence<byte>(garbage)),
                     })
            {
                try
                {
                    read();
                }
                catch (ProtocolException)
                {
                    // expected for most inputs; any other exception fails the test
                }
            }
        }
    }
}
