using System.Buffers;
using RocksDbSharp;
using Spartan.Domain;
using Spartan.Engine;
using Spartan.Storage.Codecs;

namespace Spartan.Storage.Rocks;

/// <summary>The snapshot of a node: column family <c>snapshots</c> holds one blob per queue (<c>queue/&lt;name&gt;</c>)
/// and the sequence they cover (<c>sequence</c>), always replaced together.</summary>
/// <remarks>
/// Ownership: written by whichever task takes snapshots (timer, shutdown, compaction), from an image the commit
/// loop captured; writes are serialised by a lock, so two never interleave. Reads may run on any thread.
/// Failure: a failed write throws and leaves the previous snapshot whole (one atomic batch); a blob that does not
/// decode throws <see cref="StoreException"/>.
/// </remarks>
public sealed class SnapshotStore : ISnapshotStore
{
    private readonly RocksStore _store;
    private readonly Lock _writing = new();

    internal SnapshotStore(RocksStore store) => _store = store;

    /// <summary>The last event sequence the stored snapshot covers, or 0 when there is none.</summary>
    public long CoveredSequence
    {
        get
        {
            using var lease = _store.Lease();
            var bytes = lease.Db.Get(Keys.SnapshotSequence, lease.Handle.Snapshots);
            return bytes is null ? 0 : Keys.ReadNumber(bytes, $"The snapshot sequence in {_store.Path}");
        }
    }

    /// <summary>Replaces the stored snapshot by <paramref name="image"/> in one synced write: every queue blob and
    /// the covered sequence, the blobs of queues no longer in the image removed.</summary>
    public void Write(StateImage image)
    {
        ArgumentNullException.ThrowIfNull(image);
        _store.ThrowIfReadOnly();
        lock (_writing)
        {
            // A snapshot captured before a newer one was stored (a slow periodic write racing a replica's install)
            // must not replace it.
            if (image.Sequence < CoveredSequence) return;
            // One lease for building and writing: column family handles belong to the database they came from.
            using var write = new WriteBatch();
            using var lease = _store.Lease();
            PutImage(write, image, lease.Handle);
            _store.Write(write, _store.SyncedWrite);
        }
    }

    /// <summary>Makes <paramref name="image"/> the whole content of the folder in one synced write: the snapshot, and
    /// an empty event log numbering on from its sequence (a replica installing its primary's snapshot).</summary>
    public void ReplaceAll(StateImage image)
    {
        ArgumentNullException.ThrowIfNull(image);
        _store.ThrowIfReadOnly();
        lock (_writing)
        {
            using var write = new WriteBatch();
            var first = Keys.Number(0);
            var end = Keys.Number(long.MaxValue);
            using (var lease = _store.Lease())
            {
                write.DeleteRange(first, (ulong)first.Length, end, (ulong)end.Length, lease.Handle.Events);
                PutImage(write, image, lease.Handle);
                _store.Write(write, _store.SyncedWrite);
            }
        }

        _store.EventLog.Refresh();
    }

    /// <summary>Adds to <paramref name="write"/>: drop the stored queue images, put one per queue of the image, and
    /// the sequence it covers.</summary>
    private static void PutImage(WriteBatch write, StateImage image, RocksHandle handle)
    {
        var buffer = new ArrayBufferWriter<byte>(4096);
        write.DeleteRange(Keys.QueuePrefix, (ulong)Keys.QueuePrefix.Length, Keys.QueuePrefixEnd,
            (ulong)Keys.QueuePrefixEnd.Length, handle.Snapshots);
        foreach (var queue in image.Queues)
        {
            buffer.ResetWrittenCount();
            ImageCodec.Write(queue, buffer);
            write.Put(Keys.Queue(queue.Name), buffer.WrittenSpan, handle.Snapshots);
        }

        write.Put(Keys.SnapshotSequence, Keys.Number(image.Sequence), handle.Snapshots);
        if (image.TakenAt is { } at) write.Put(Keys.SnapshotTakenAt, Keys.Number(at.ToUnixTimeMilliseconds()), handle.Snapshots);
        else write.Delete(Keys.SnapshotTakenAt, handle.Snapshots);
    }

    /// <summary>The stored snapshot, or null when none was ever written.</summary>
    public StateImage? Read()
    {
        try
        {
            return ReadImage();
        }
        catch (RocksDbException error)
        {
            throw new StoreException($"The data folder {_store.Path} cannot be read: {error.Message}", error);
        }
    }

    private StateImage? ReadImage()
    {
        // One RocksDB snapshot for every read, so a write landing meanwhile cannot mix two snapshots. An
        // inspection instance moves only when told to catch up, so it reads as it stands.
        using var lease = _store.Lease();
        var handle = lease.Handle;
        using var view = _store.IsReadOnly ? null : handle.Db.CreateSnapshot();
        var options = new ReadOptions();
        if (view is not null) options.SetSnapshot(view);
        var sequence = handle.Db.Get(Keys.SnapshotSequence, handle.Snapshots, options);
        if (sequence is null) return null;
        var queues = new List<QueueImage>();
        using var iterator = handle.Db.NewIterator(handle.Snapshots, options);
        for (iterator.Seek(Keys.QueuePrefix); iterator.Valid(); iterator.Next())
        {
            var key = iterator.GetKeySpan();
            if (!key.StartsWith(Keys.QueuePrefix)) break;
            try
            {
                queues.Add(ImageCodec.Decode(iterator.Value()));
            }
            catch (CodecException error)
            {
                var name = System.Text.Encoding.UTF8.GetString(key[Keys.QueuePrefix.Length..]);
                throw new StoreException(
                    $"The data folder {_store.Path} is damaged: the snapshot of queue {name} does not decode ({error.Message}).",
                    error);
            }
        }

        var takenAt = handle.Db.Get(Keys.SnapshotTakenAt, handle.Snapshots, options) is { } stamp
            ? NodaTime.Instant.FromUnixTimeMilliseconds(Keys.ReadNumber(stamp, $"The snapshot time in {_store.Path}"))
            : (NodaTime.Instant?)null;
        return new StateImage(Keys.ReadNumber(sequence, $"The snapshot sequence in {_store.Path}"), [.. queues]) { TakenAt = takenAt };
    }
}
