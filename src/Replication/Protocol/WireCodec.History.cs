using System.Buffers;
using MessagePack;
using Spartan.Engine;

namespace Spartan.Replication.Protocol;

// The frames of history identity (ADR 0012): the replica's History and the primary's Plan. A history is
// [id (16 bytes), [[number, id (16 bytes), start], ...]]; epochs out of order are a protocol error.
public static partial class WireCodec
{
    /// <summary>More epochs than any folder can make in practice (one per start of a writer); bounds what a peer sends.</summary>
    private const int MaxEpochs = 1_000_000;

    public static void Write(ReplicaHistory history, IBufferWriter<byte> output)
    {
        var writer = new MessagePackWriter(output);
        writer.WriteArrayHeader(3);
        WriteHistory(ref writer, history.History);
        writer.Write(history.Applied);
        writer.Write(history.Floor);
        writer.Flush();
    }

    public static ReplicaHistory ReadReplicaHistory(ReadOnlySequence<byte> payload) => Guard(payload, static (ref MessagePackReader r) =>
    {
        Expect(ref r, 3);
        return new ReplicaHistory(ReadHistory(ref r), r.ReadInt64(), r.ReadInt64());
    });

    public static void Write(Plan plan, IBufferWriter<byte> output)
    {
        var writer = new MessagePackWriter(output);
        writer.WriteArrayHeader(4);
        writer.Write((byte)plan.Action);
        writer.Write(plan.After);
        writer.Write(plan.Committed);
        WriteHistory(ref writer, plan.History);
        writer.Flush();
    }

    public static Plan ReadPlan(ReadOnlySequence<byte> payload) => Guard(payload, static (ref MessagePackReader r) =>
    {
        Expect(ref r, 4);
        var action = (PlanAction)r.ReadByte();
        if (!Enum.IsDefined(action)) throw new ProtocolException($"Unknown resume action {(byte)action}.");
        return new Plan(action, r.ReadInt64(), r.ReadInt64(), ReadHistory(ref r));
    });

    private static void WriteHistory(ref MessagePackWriter writer, History history)
    {
        writer.WriteArrayHeader(2);
        WriteGuid(ref writer, history.Id);
        writer.WriteArrayHeader(history.Epochs.Count);
        foreach (var epoch in history.Epochs)
        {
            writer.WriteArrayHeader(3);
            writer.Write(epoch.Number);
            WriteGuid(ref writer, epoch.Id);
            writer.Write(epoch.Start);
        }
    }

    private static History ReadHistory(ref MessagePackReader reader)
    {
        Expect(ref reader, 2);
        var id = ReadGuid(ref reader);
        var count = reader.ReadArrayHeader();
        if (count > MaxEpochs) throw new ProtocolException($"Implausible history of {count} epochs.");
        var epochs = new Epoch[count];
        for (var i = 0; i < count; i++)
        {
            Expect(ref reader, 3);
            epochs[i] = new Epoch(reader.ReadInt64(), ReadGuid(ref reader), reader.ReadInt64());
        }

        return new History(id, epochs); // ArgumentException for epochs out of order: a ProtocolException through Guard
    }

    private static void WriteGuid(ref MessagePackWriter writer, Guid id) => writer.Write(id.ToByteArray());

    private static Guid ReadGuid(ref MessagePackReader reader)
    {
        var bytes = ReadBytes(ref reader);
        return bytes.Length == 16 ? new Guid(bytes) : throw new ProtocolException($"Expected a 16-byte id, got {bytes.Length} bytes.");
    }
}
