using System.Buffers;
using MessagePack;

namespace Spartan.Replication.Protocol;

/// <summary>MessagePack payloads of the protocol frames, written and read by hand (arrays, positions as keys).</summary>
/// <remarks>Every reader checks counts and types: garbage makes it throw <see cref="ProtocolException"/>, never
/// anything else, so a connection loop can drop the peer cleanly.</remarks>
public static partial class WireCodec
{
    public static void Write(Hello hello, IBufferWriter<byte> output)
    {
        var writer = new MessagePackWriter(output);
        writer.WriteArrayHeader(5);
        writer.Write(hello.Version);
        writer.Write(hello.NodeId);
        WriteStrings(ref writer, hello.Queues);
        writer.Write(hello.SettingsDigest);
        writer.Write(hello.Challenge);
        writer.Flush();
    }

    public static Hello ReadHello(ReadOnlySequence<byte> payload) => Guard(payload, static (ref MessagePackReader r) =>
    {
        Expect(ref r, 5);
        return new Hello(r.ReadUInt32(), ReadString(ref r), ReadStrings(ref r), ReadString(ref r), ReadBytes(ref r));
    });

    public static void Write(HelloReply reply, IBufferWriter<byte> output)
    {
        var writer = new MessagePackWriter(output);
        writer.WriteArrayHeader(7);
        writer.Write(reply.Version);
        writer.Write(reply.NodeId);
        WriteStrings(ref writer, reply.Queues);
        writer.Write(reply.SettingsDigest);
        writer.Write(reply.Proof);
        writer.Write(reply.Challenge);
        writer.Write(reply.Applied);
        writer.Flush();
    }

    public static HelloReply ReadHelloReply(ReadOnlySequence<byte> payload) => Guard(payload, static (ref MessagePackReader r) =>
    {
        Expect(ref r, 7);
        return new HelloReply(r.ReadUInt32(), ReadString(ref r), ReadStrings(ref r), ReadString(ref r), ReadBytes(ref r),
            ReadBytes(ref r), r.ReadInt64());
    });

    public static void Write(Welcome welcome, IBufferWriter<byte> output) => WriteBytes(welcome.Proof, output);

    public static Welcome ReadWelcome(ReadOnlySequence<byte> payload) => new(ReadBytes(payload));

    public static void WriteText(string text, IBufferWriter<byte> output)
    {
        var writer = new MessagePackWriter(output);
        writer.Write(text);
        writer.Flush();
    }

    public static string ReadText(ReadOnlySequence<byte> payload) => Guard(payload, static (ref MessagePackReader r) => ReadString(ref r));

    public static void WriteNumbers(IBufferWriter<byte> output, long first, long second = 0)
    {
        var writer = new MessagePackWriter(output);
        writer.WriteArrayHeader(2);
        writer.Write(first);
        writer.Write(second);
        writer.Flush();
    }

    public static (long First, long Second) ReadNumbers(ReadOnlySequence<byte> payload) =>
        Guard(payload, static (ref MessagePackReader r) =>
        {
            Expect(ref r, 2);
            return (r.ReadInt64(), r.ReadInt64());
        });

    /// <summary>An events frame: an array of [sequence, encoded event] pairs.</summary>
    public static void WriteEvents(IReadOnlyList<WireEvent> events, IBufferWriter<byte> output)
    {
        var writer = new MessagePackWriter(output);
        writer.WriteArrayHeader(events.Count);
        foreach (var (sequence, encoded) in events)
        {
            writer.WriteArrayHeader(2);
            writer.Write(sequence);
            writer.Write(encoded.Span);
        }

        writer.Flush();
    }

    public static List<WireEvent> ReadEvents(ReadOnlySequence<byte> payload) => Guard(payload, static (ref MessagePackReader r) =>
    {
        var count = r.ReadArrayHeader();
        var events = new List<WireEvent>(count);
        for (var i = 0; i < count; i++)
        {
            Expect(ref r, 2);
            events.Add(new WireEvent(r.ReadInt64(), ReadBytes(ref r)));
        }

        return events;
    });

    public static void WriteBytes(ReadOnlySpan<byte> bytes, IBufferWriter<byte> output)
    {
        var writer = new MessagePackWriter(output);
        writer.Write(bytes);
        writer.Flush();
    }

    public static byte[] ReadBytes(ReadOnlySequence<byte> payload) => Guard(payload, static (ref MessagePackReader r) => ReadBytes(ref r));

    private delegate T Reader<out T>(ref MessagePackReader reader);

    private static T Guard<T>(ReadOnlySequence<byte> payload, Reader<T> read)
    {
        try
        {
            var reader = new MessagePackReader(payload);
            return read(ref reader);
        }
        catch (Exception error) when (error is MessagePackSerializationException or EndOfStreamException
                                          or InvalidOperationException or OverflowException or ArgumentException)
        {
            throw new ProtocolException($"Malformed frame payload: {error.Message}", error);
        }
    }

    private static void Expect(ref MessagePackReader reader, int fields)
    {
        var count = reader.ReadArrayHeader();
        if (count != fields) throw new ProtocolException($"Expected {fields} fields, got {count}.");
    }

    private static string ReadString(ref MessagePackReader reader) =>
        reader.ReadString() ?? throw new ProtocolException("Expected a string, got nil.");

    private static byte[] ReadBytes(ref MessagePackReader reader) =>
        reader.ReadBytes()?.ToArray() ?? throw new ProtocolException("Expected bytes, got nil.");

    private static void WriteStrings(ref MessagePackWriter writer, IReadOnlyList<string> values)
    {
        writer.WriteArrayHeader(values.Count);
        foreach (var value in values) writer.Write(value);
    }

    private static string[] ReadStrings(ref MessagePackReader reader)
    {
        var count = reader.ReadArrayHeader();
        if (count > 100_000) throw new ProtocolException($"Implausible list of {count} names.");
        var values = new string[count];
        for (var i = 0; i < count; i++) values[i] = ReadString(ref reader);
        return values;
    }
}

/// <summary>The peer broke the protocol (garbage, an unexpected frame, a bad payload): drop the connection.</summary>
public sealed class ProtocolException : Exception
{
    public ProtocolException(string message) : base(message) { }

    public ProtocolException(string message, Exception inner) : base(message, inner) { }
}

/// <summary>The other end refused the handshake, or this end refused it; the reason says why.</summary>
public sealed class HandshakeRefusedException(string reason) : Exception(reason);
