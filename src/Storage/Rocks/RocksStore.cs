using RocksDbSharp;
using Spartan.Engine;

namespace Spartan.Storage.Rocks;

/// <summary>The RocksDB data folder of a node (SPEC §6): column families <c>events</c>, <c>snapshots</c> and
/// <c>meta</c> (format version, history identity, replica positions), opened either read-write by the one server that
/// owns the folder, or for inspection beside it.</summary>
/// <remarks>
/// Ownership: the host opens it before the commit loop starts and disposes it only after the loop has stopped;
/// RocksDB itself is thread-safe, so the commit loop (appends), the snapshot task and replication senders (reads)
/// share it, each holding a shared lease for one call; only <see cref="TryReopen"/> takes it alone.
/// Failure: a RocksDB error on a write surfaces as <see cref="StorageUnavailableException"/> and leaves the store
/// unwritable (RocksDB refuses every later write) until <see cref="TryReopen"/> succeeds; reads go on. Opening a
/// folder that is locked, of an unknown format or damaged throws <see cref="StoreException"/>, and the node must
/// not start; a folder on a full disk opens for reading only.
/// </remarks>
public sealed partial class RocksStore : IDisposable
{
    /// <summary>The layout version of the folder this build writes (meta <c>format-version</c>): 2 adds the history id
    /// and epochs (SPEC §7).</summary>
    public const long FormatVersion = 2;

    /// <summary>The layout before history identity, still read, and brought to <see cref="FormatVersion"/> when written.</summary>
    public const long FormatBeforeHistory = 1;

    private const ulong EventsWriteBuffer = 16UL << 20;
    private static readonly string[] Families = [Keys.EventsFamily, Keys.SnapshotsFamily, Keys.MetaFamily];
    private static readonly byte[] ProbeKey = "probe"u8.ToArray();
    private readonly string? _secondaryPath;
    private readonly WriteOptions _syncedWrite = new WriteOptions().SetSync(true);
    private readonly WriteOptions _bufferedWrite = new WriteOptions().SetSync(false);
    // Readers and writers hold it shared for the length of one native call or iteration; only a reopen holds it
    // alone. Recursive, because a snapshot write reads the covered sequence under its own lease.
    private readonly ReaderWriterLockSlim _gate = new(LockRecursionPolicy.SupportsRecursion);
    private RocksHandle _handle;
    private volatile string? _unwritable;
    private bool _disposed;

    private RocksStore(RocksHandle handle, string path, string? secondaryPath, bool syncEvents, string? unwritable)
    {
        _handle = handle;
        Path = path;
        _secondaryPath = secondaryPath;
        _unwritable = unwritable;
        Snapshots = new SnapshotStore(this);
        EventLog = new RocksEventLog(this, syncEvents);
    }

    /// <summary>The absolute path of the data folder.</summary>
    public string Path { get; }

    /// <summary>True for an inspection instance, which never writes.</summary>
    public bool IsReadOnly => _secondaryPath is not null;

    /// <summary>False after a write failed (a full disk, an I/O error) until <see cref="TryReopen"/> succeeds, and
    /// from the start when the folder could only be opened for reading (SPEC §6).</summary>
    public bool Writable => _unwritable is null && !IsReadOnly;

    /// <summary>Why the store takes no writes now, or null when it does.</summary>
    public string? UnwritableReason => _unwritable;

    /// <summary>The event log; the commit loop is its only writer.</summary>
    public RocksEventLog EventLog { get; }

    /// <summary>The snapshot blobs.</summary>
    public SnapshotStore Snapshots { get; }

    /// <summary>Writes that must reach the disk before returning (snapshots, deletions that follow them).</summary>
    internal WriteOptions SyncedWrite => _syncedWrite;

    internal WriteOptions BufferedWrite => _bufferedWrite;

    /// <summary>Opens (creating when absent) the folder for the server that owns it. On a full disk, where RocksDB
    /// cannot open for writing, it opens for reading and starts unwritable (SPEC §6: a restart on a full disk
    /// serves reads).</summary>
    /// <param name="path">The data folder (<c>persistence.path</c>).</param>
    /// <param name="syncEvents">Whether each appended batch is fsynced before it is acknowledged
    /// (<c>fsync = "always"</c>); without it a batch survives a killed process, not a lost machine.</param>
    /// <exception cref="StoreException">The path is not a usable folder, the folder is locked by another process,
    /// is not a Spartan data folder, is of another format version, or RocksDB finds it damaged.</exception>
    public static RocksStore OpenReadWrite(string path, bool syncEvents)
    {
        var full = System.IO.Path.GetFullPath(path);
        CreateFolder(full);
        var options = WriteOptionsFor();
        var existed = RocksDb.TryListColumnFamilies(options, full, out var present);
        if (existed) RequireFamilies(full, present);
        string? unwritable = null;
        RocksHandle handle;
        try
        {
            handle = new RocksHandle(Open(full, () => RocksDb.Open(options, full, Descriptors())));
        }
        catch (StoreException noSpace) when (existed && IsNoSpace(noSpace.InnerException))
        {
            unwritable = NoSpace(full);
            handle = new RocksHandle(Open(full, () => RocksDb.OpenReadOnly(options, full, Descriptors(), false)));
        }

        var store = new RocksStore(handle, full, null, syncEvents, unwritable);
        try
        {
            store.CheckFormat(writeWhenNew: unwritable is null);
            return store;
        }
        catch
        {
            store.Dispose();
            throw;
        }
    }

    /// <summary>Opens the folder for reading only, as a RocksDB secondary instance, which works while a server
    /// runs on it: it sees what was committed when it opened, and more after each <see cref="CatchUp"/>.</summary>
    /// <exception cref="StoreException">No Spartan data in the folder, another format version, or damage.</exception>
    public static RocksStore OpenForInspection(string path)
    {
        var full = System.IO.Path.GetFullPath(path);
        // A secondary instance keeps its own info log; it goes to a private temporary folder, deleted on dispose,
        // so inspection never writes into the data folder.
        var options = new DbOptions().SetMaxOpenFiles(-1).SetKeepLogFileNum(1);
        if (!RocksDb.TryListColumnFamilies(options, full, out var present))
            throw new StoreException($"The folder {full} holds no Spartan data.");
        RequireFamilies(full, present);
        var secondary = Directory.CreateTempSubdirectory("spartan-inspect-").FullName;
        RocksStore? store = null;
        try
        {
            var db = Open(full, () => RocksDb.OpenAsSecondary(options, full, secondary, Descriptors()));
            store = new RocksStore(new RocksHandle(db), full, secondary, syncEvents: false, unwritable: null);
            store.CheckFormat(writeWhenNew: false);
            return store;
        }
        catch
        {
            if (store is not null) store.Dispose();
            else Directory.Delete(secondary, recursive: true);
            throw;
        }
    }

    /// <summary>Inspection only: reads what the server committed since this instance opened or last caught up.</summary>
    public void CatchUp()
    {
        if (!IsReadOnly) return;
        try
        {
            using (var lease = Lease()) lease.Db.TryCatchUpWithPrimary();
            EventLog.Refresh();
        }
        catch (RocksDbException error)
        {
            throw new StoreException($"The data folder {Path} cannot be read: {error.Message}", error);
        }
    }

    /// <summary>Makes an unwritable store take writes again (SPEC §6: RocksDB resume): RocksDB keeps refusing writes
    /// after a failed one until the database is reopened, so this closes it — waiting for every reader and writer of
    /// the moment — reopens it for writing and proves it with a synced write. When that fails (the disk is still
    /// full) it reopens for reading, so reads go on. Safe from any thread.</summary>
    /// <returns>True when the store takes writes again; otherwise <paramref name="problem"/> says why not.</returns>
    /// <exception cref="StoreException">The folder cannot even be opened for reading any more.</exception>
    public bool TryReopen(out string? problem)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        problem = null;
        if (IsReadOnly) throw new InvalidOperationException($"The store on {Path} is open for inspection only.");
        if (Writable) return true;
        _gate.EnterWriteLock();
        try
        {
            _handle.Dispose();
            var options = WriteOptionsFor();
            RocksHandle? opened = null;
            try
            {
                opened = new RocksHandle(RocksDb.Open(options, Path, Descriptors()));
                opened.Db.Put(ProbeKey, ProbeKey, opened.Meta, _syncedWrite);
                _handle = opened;
                _unwritable = null;
                return true;
            }
            catch (RocksDbException error)
            {
                opened?.Dispose();
                problem = IsNoSpace(error) ? NoSpace(Path) : error.Message;
                _unwritable = problem;
                try
                {
                    _handle = new RocksHandle(Open(Path, () => RocksDb.OpenReadOnly(options, Path, Descriptors(), false)));
                }
                catch
                {
                    _disposed = true; // no handle is left: every later use must fail cleanly, never touch a closed one
                    throw;
                }

                return false;
            }
        }
        finally
        {
            _gate.ExitWriteLock();
        }
    }

    public void Dispose()
    {
        _gate.EnterWriteLock();
        try
        {
            if (_disposed) return;
            _disposed = true;
            _handle.Dispose();
        }
        finally
        {
            _gate.ExitWriteLock();
        }

        if (_secondaryPath is not null && Directory.Exists(_secondaryPath))
            Directory.Delete(_secondaryPath, recursive: true);
    }

    /// <summary>Writes a consistent copy of the whole store into <paramref name="folder"/>, which must not exist: a
    /// RocksDB checkpoint (hard links where the file system allows, the memtables flushed first), itself a data folder
    /// that a node can be started on (SPEC §6 backups).</summary>
    /// <exception cref="StorageUnavailableException">RocksDB could not make the copy (a full disk, a bad folder).</exception>
    public void Checkpoint(string folder)
    {
        ThrowIfReadOnly();
        using var lease = Lease();
        try
        {
            using var checkpoint = lease.Db.Checkpoint();
            checkpoint.Save(folder, 0);
        }
        catch (RocksDbException error)
        {
            throw new StorageUnavailableException($"The backup into {folder} failed: {error.Message}", error);
        }
    }

    /// <summary>The current database, held until the lease is disposed (keep it for one call or one iteration).</summary>
    internal StoreLease Lease()
    {
        _gate.EnterReadLock();
        if (_disposed)
        {
            _gate.ExitReadLock();
            throw new ObjectDisposedException(nameof(RocksStore), $"The store on {Path} is closed.");
        }

        return new StoreLease(_gate, _handle);
    }

    /// <summary>Writes <paramref name="batch"/> as one atomic write. A failure marks the store unwritable (RocksDB
    /// refuses every later write until it is reopened) and throws <see cref="StorageUnavailableException"/>: the
    /// caller acknowledges nothing.</summary>
    internal void Write(WriteBatch batch, WriteOptions options)
    {
        ThrowIfReadOnly();
        if (_unwritable is { } reason) throw new StorageUnavailableException($"The store takes no writes: {reason}.");
        using var lease = Lease();
        try
        {
            lease.Db.Write(batch, options);
        }
        catch (RocksDbException error)
        {
            _unwritable = IsNoSpace(error) ? NoSpace(Path) : $"a write failed: {error.Message}";
            throw new StorageUnavailableException($"The store refused a write: {_unwritable}.", error);
        }
    }

    internal void ThrowIfReadOnly()
    {
        if (IsReadOnly) throw new InvalidOperationException($"The store on {Path} is open for inspection only.");
    }

    private static DbOptions WriteOptionsFor() => new DbOptions()
        .SetCreateIfMissing(true)
        .SetCreateMissingColumnFamilies(true)
        .SetKeepLogFileNum(4);

    private static bool IsNoSpace(Exception? error) =>
        error is RocksDbException && error.Message.Contains("No space left", StringComparison.OrdinalIgnoreCase);

    private static string NoSpace(string path) => $"the disk holding {path} is full";

    private static void CreateFolder(string full)
    {
        if (File.Exists(full))
            throw new StoreException($"The data folder {full} is a file, not a folder (persistence.path).");
        try
        {
            Directory.CreateDirectory(full);
            // RocksDB would fail later with a less clear message; a folder we cannot write to is refused here.
            var probe = System.IO.Path.Combine(full, ".spartan-write-probe");
            File.WriteAllBytes(probe, []);
            File.Delete(probe);
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            throw new StoreException($"The data folder {full} cannot be written: {error.Message}", error);
        }
    }

    private static ColumnFamilies Descriptors()
    {
        var families = new ColumnFamilies();
        foreach (var name in Families)
        {
            var options = new ColumnFamilyOptions();
            // Events: 16 MiB memtables instead of 64 MiB: the same throughput, ~50 MB less resident (ADR 0010).
            if (name == Keys.EventsFamily) options.SetWriteBufferSize(EventsWriteBuffer);
            families.Add(name, options);
        }
        return families;
    }

    private static void RequireFamilies(string path, string[] present)
    {
        foreach (var name in Families)
        {
            if (Array.IndexOf(present, name) < 0)
                throw new StoreException(
                    $"The folder {path} holds a RocksDB database that is not a Spartan data folder (no column family '{name}'). Refusing to use it.");
        }
    }

    private static RocksDb Open(string path, Func<RocksDb> open)
    {
        try
        {
            return open();
        }
        catch (RocksDbException error) when (error.Message.Contains("LOCK", StringComparison.Ordinal))
        {
            throw new StoreException(
                $"The data folder {path} is locked: another spartan runs on it. Stop that process, or use another folder.",
                error);
        }
        catch (RocksDbException error) when (IsNoSpace(error))
        {
            throw new StoreException($"The data folder {path} cannot be opened: {NoSpace(path)}.", error);
        }
        catch (RocksDbException error)
        {
            throw new StoreException($"The data folder {path} cannot be opened, it may be damaged: {error.Message}", error);
        }
    }
}
