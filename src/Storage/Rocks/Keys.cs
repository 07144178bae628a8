using System.Buffers.Binary;
using System.Text;
using Spartan.Engine;

namespace Spartan.Storage.Rocks;

/// <summary>The names of the column families and the keys inside them (SPEC §6).</summary>
internal static class Keys
{
    public const string EventsFamily = "events";
    public const string SnapshotsFamily = "snapshots";
    public const string MetaFamily = "meta";

    /// <summary>Meta: the layout version of the folder (8-byte big-endian).</summary>
    public static readonly byte[] FormatVersion = "format-version"u8.ToArray();

    /// <summary>Snapshots: the last event sequence the stored snapshot covers (8-byte big-endian).</summary>
    public static readonly byte[] SnapshotSequence = "sequence"u8.ToArray();

    /// <summary>Snapshots: when the stored snapshot was captured, in Unix milliseconds (8-byte big-endian); absent when
    /// unknown (a snapshot installed from a primary).</summary>
    public static readonly byte[] SnapshotTakenAt = "taken-at"u8.ToArray();

    /// <summary>Snapshots: <c>queue/&lt;name&gt;</c> holds that queue's image; every such key sorts between
    /// <see cref="QueuePrefix"/> and <see cref="QueuePrefixEnd"/>.</summary>
    public static readonly byte[] QueuePrefix = "queue/"u8.ToArray();

    public static readonly byte[] QueuePrefixEnd = "queue0"u8.ToArray();

    /// <summary>Meta: the folder's history id, 16 bytes (a GUID in .NET's byte order), made with the folder (SPEC §7).</summary>
    public static readonly byte[] HistoryId = "history-id"u8.ToArray();

    /// <summary>Meta: <c>epoch/</c> + the epoch number (8-byte big-endian, so keys sort by number) holds that epoch's
    /// id (16 bytes) and start sequence (8-byte big-endian); every such key sorts between <see cref="EpochPrefix"/> and
    /// <see cref="EpochPrefixEnd"/>.</summary>
    public static readonly byte[] EpochPrefix = "epoch/"u8.ToArray();

    public static readonly byte[] EpochPrefixEnd = "epoch0"u8.ToArray();

    /// <summary>Meta: <c>replica/&lt;id&gt;</c> holds the last sequence that replica acknowledged.</summary>
    public const string ReplicaPrefix = "replica/";

    public static readonly byte[] ReplicaPrefixEnd = "replica0"u8.ToArray();

    /// <summary>An 8-byte big-endian number, so that byte order is numeric order for non-negative values.</summary>
    public static byte[] Number(long value)
    {
        var key = new byte[8];
        BinaryPrimitives.WriteInt64BigEndian(key, value);
        return key;
    }

    public static void Number(long value, Span<byte> destination) =>
        BinaryPrimitives.WriteInt64BigEndian(destination, value);

    public static long ReadNumber(ReadOnlySpan<byte> bytes, string what) => bytes.Length == 8
        ? BinaryPrimitives.ReadInt64BigEndian(bytes)
        : throw new StoreException($"{what} has {bytes.Length} bytes instead of 8.");

    public static byte[] Queue(string name) => Prefixed(QueuePrefix, name);

    public static byte[] Epoch(long number)
    {
        var key = new byte[EpochPrefix.Length + 8];
        EpochPrefix.CopyTo(key, 0);
        Number(number, key.AsSpan(EpochPrefix.Length));
        return key;
    }

    public static byte[] Replica(string id) => Prefixed(Encoding.UTF8.GetBytes(ReplicaPrefix), id);

    private static byte[] Prefixed(byte[] prefix, string name)
    {
        var key = new byte[prefix.Length + Encoding.UTF8.GetByteCount(name)];
        prefix.CopyTo(key, 0);
        Encoding.UTF8.GetBytes(name, key.AsSpan(prefix.Length));
        return key;
    }
}
