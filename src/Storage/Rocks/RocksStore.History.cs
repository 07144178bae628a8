using System.Buffers.Binary;
using RocksDbSharp;
using Spartan.Engine;

namespace Spartan.Storage.Rocks;

// The folder's history identity (SPEC §7) in the meta column family: `history-id`, and one `epoch/<number>` key per
// epoch. Written by the commit loop only (through IHistoryStore), read from any thread.
public sealed partial class RocksStore : IHistoryStore
{
    private const int EpochValueLength = 16 + 8;

    // A folder opened read-only on a full disk before it had a history id: one id is made in memory and kept, so every
    // reader sees the same one; the first history write stores it.
    private History? _unstored;

    /// <summary>The folder's history id and epochs, oldest first.</summary>
    public History ReadHistory() => ((IHistoryStore)this).Read();

    History IHistoryStore.Read()
    {
        using var lease = Lease();
        var handle = lease.Handle;
        var id = handle.Db.Get(Keys.HistoryId, handle.Meta);
        if (id is null) return Volatile.Read(ref _unstored) ?? Interlocked.CompareExchange(ref _unstored, History.New(), null) ?? _unstored;
        if (id.Length != 16) throw new StoreException($"The history id in {Path} has {id.Length} bytes instead of 16.");
        var epochs = new List<Epoch>();
        var options = new ReadOptions().SetIterateUpperBound(Keys.EpochPrefixEnd);
        using var iterator = handle.Db.NewIterator(handle.Meta, options);
        for (iterator.Seek(Keys.EpochPrefix); iterator.Valid(); iterator.Next())
        {
            var number = Keys.ReadNumber(iterator.GetKeySpan()[Keys.EpochPrefix.Length..], $"An epoch key in {Path}");
            var value = iterator.GetValueSpan();
            if (value.Length != EpochValueLength)
                throw new StoreException($"Epoch {number} in {Path} has {value.Length} bytes instead of {EpochValueLength}.");
            epochs.Add(new Epoch(number, new Guid(value[..16]), BinaryPrimitives.ReadInt64BigEndian(value[16..])));
        }

        try
        {
            return new History(new Guid(id), epochs);
        }
        catch (ArgumentException error)
        {
            throw new StoreException($"The data folder {Path} is damaged: {error.Message}", error);
        }
    }

    /// <summary>Replaces the stored history in one synced write: it must be on disk before any event of a new epoch.</summary>
    public void WriteHistory(History history) => ((IHistoryStore)this).Write(history);

    void IHistoryStore.Write(History history)
    {
        ArgumentNullException.ThrowIfNull(history);
        ThrowIfReadOnly();
        using var write = new WriteBatch();
        using var lease = Lease();
        var meta = lease.Handle.Meta;
        write.Put(Keys.HistoryId, history.Id.ToByteArray(), meta);
        write.DeleteRange(Keys.EpochPrefix, (ulong)Keys.EpochPrefix.Length, Keys.EpochPrefixEnd, (ulong)Keys.EpochPrefixEnd.Length, meta);
        Span<byte> value = stackalloc byte[EpochValueLength];
        foreach (var epoch in history.Epochs)
        {
            epoch.Id.TryWriteBytes(value[..16]);
            BinaryPrimitives.WriteInt64BigEndian(value[16..], epoch.Start);
            write.Put(Keys.Epoch(epoch.Number), value, meta);
        }

        Write(write, SyncedWrite);
        Volatile.Write(ref _unstored, null);
    }
}
