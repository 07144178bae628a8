using System.Text;
using RocksDbSharp;
using Spartan.Engine;

namespace Spartan.Storage.Rocks;

public sealed partial class RocksStore : IReplicaPositions
{
    /// <summary>The last sequence each replica acknowledged (meta <c>replica/&lt;id&gt;</c>); compaction keeps every
    /// event after the lowest of them.</summary>
    public IReadOnlyDictionary<string, long> ReadReplicaPositions() => ((IReplicaPositions)this).Read();

    IReadOnlyDictionary<string, long> IReplicaPositions.Read()
    {
        var positions = new Dictionary<string, long>(StringComparer.Ordinal);
        var prefix = Encoding.UTF8.GetBytes(Keys.ReplicaPrefix);
        var options = new ReadOptions().SetIterateUpperBound(Keys.ReplicaPrefixEnd);
        using var lease = Lease();
        using var iterator = lease.Db.NewIterator(lease.Handle.Meta, options);
        for (iterator.Seek(prefix); iterator.Valid(); iterator.Next())
        {
            var key = iterator.GetKeySpan();
            var id = Encoding.UTF8.GetString(key[prefix.Length..]);
            positions[id] = Keys.ReadNumber(iterator.GetValueSpan(), $"The position of replica {id} in {Path}");
        }

        return positions;
    }

    /// <summary>Records that <paramref name="replicaId"/> holds every event up to <paramref name="sequence"/>.</summary>
    /// <remarks>Not synced: a position lost to a crash is an older one, which only makes compaction keep more.</remarks>
    public void WriteReplicaPosition(string replicaId, long sequence) => ((IReplicaPositions)this).Write(replicaId, sequence);

    void IReplicaPositions.Write(string replicaId, long sequence)
    {
        using var write = new WriteBatch();
        using var lease = Lease();
        write.Put(Keys.Replica(replicaId), Keys.Number(sequence), lease.Handle.Meta);
        Write(write, BufferedWrite);
    }

    /// <summary>Forgets a replica, so that compaction no longer keeps events for it.</summary>
    public void RemoveReplicaPosition(string replicaId) => ((IReplicaPositions)this).Remove(replicaId);

    void IReplicaPositions.Remove(string replicaId)
    {
        using var write = new WriteBatch();
        using var lease = Lease();
        write.Delete(Keys.Replica(replicaId), lease.Handle.Meta);
        Write(write, BufferedWrite);
    }

    /// <summary>Refuses a folder of another format; stamps the format and a new history id on a folder that holds nothing
    /// yet; brings a folder of format 1 (before history identity) to the current format, giving it a history id of its
    /// own, when it is opened to be written.</summary>
    private void CheckFormat(bool writeWhenNew)
    {
        using var lease = Lease();
        var handle = lease.Handle;
        var stored = handle.Db.Get(Keys.FormatVersion, handle.Meta);
        if (stored is null)
        {
            // A folder with no stamp is accepted only while empty: a crash can fall between creating the
            // column families and writing the stamp, but data without a stamp is nothing this build wrote.
            if (!IsEmpty(handle, handle.Events) || !IsEmpty(handle, handle.Snapshots))
                throw new StoreException($"The data folder {Path} holds data but no format version; it is damaged or not Spartan's.");
            if (writeWhenNew) Stamp(handle);
            return;
        }

        var version = Keys.ReadNumber(stored, $"The format version of {Path}");
        if (version == FormatVersion) return;
        if (version == FormatBeforeHistory)
        {
            // Its events came from a writer that recorded no epochs: a history of its own, so no replica ever takes them
            // for another folder's (a replica of it gets a full snapshot once). Read as it is when it cannot be written.
            if (writeWhenNew) Stamp(handle);
            return;
        }

        throw new StoreException(
            $"The data folder {Path} is of format version {version}; this build reads versions {FormatBeforeHistory} and {FormatVersion}.");
    }

    /// <summary>Writes the current format version and, unless there is one, a new history id, in one synced write. An
    /// older build then refuses the folder rather than write events outside its epochs.</summary>
    private void Stamp(RocksHandle handle)
    {
        using var write = new WriteBatch();
        if (handle.Db.Get(Keys.HistoryId, handle.Meta) is null) write.Put(Keys.HistoryId, Guid.NewGuid().ToByteArray(), handle.Meta);
        write.Put(Keys.FormatVersion, Keys.Number(FormatVersion), handle.Meta);
        handle.Db.Write(write, SyncedWrite);
    }

    private static bool IsEmpty(RocksHandle handle, ColumnFamilyHandle family)
    {
        using var iterator = handle.Db.NewIterator(family);
        return !iterator.SeekToFirst().Valid();
    }
}
