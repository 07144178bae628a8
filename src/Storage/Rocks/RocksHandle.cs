using RocksDbSharp;

namespace Spartan.Storage.Rocks;

/// <summary>One open RocksDB database with its column families; a store replaces it whole when it reopens (disk full).</summary>
internal sealed class RocksHandle(RocksDb db) : IDisposable
{
    public RocksDb Db { get; } = db;
    public ColumnFamilyHandle Events { get; } = db.GetColumnFamily(Keys.EventsFamily);
    public ColumnFamilyHandle Snapshots { get; } = db.GetColumnFamily(Keys.SnapshotsFamily);
    public ColumnFamilyHandle Meta { get; } = db.GetColumnFamily(Keys.MetaFamily);

    public void Dispose() => Db.Dispose();
}

/// <summary>The right to use the store's current <see cref="RocksHandle"/> until disposed: a reopen waits for every
/// lease to end, so no native call ever runs on a closed database.</summary>
internal readonly ref struct StoreLease
{
    private readonly ReaderWriterLockSlim _gate;

    public StoreLease(ReaderWriterLockSlim gate, RocksHandle handle)
    {
        _gate = gate;
        Handle = handle;
    }

    public RocksHandle Handle { get; }
    public RocksDb Db => Handle.Db;

    public void Dispose() => _gate.ExitReadLock();
}
