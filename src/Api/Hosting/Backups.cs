using System.Globalization;
using Spartan.Api.Configuration;
using Spartan.Engine;

namespace Spartan.Api.Hosting;

/// <summary>What a backup wrote (SPEC §6): its folder, the sequence it holds events up to and its messages.</summary>
public sealed record BackupResult(string Path, long Sequence, long Messages);

/// <summary><c>POST /_/backup</c> (SPEC §6): a consistent copy of the store in a new folder under
/// <c>persistence.backup_path</c>, made with a RocksDB checkpoint, which is itself a data folder a node can start on.</summary>
/// <remarks>Log mode: the checkpoint is made on the commit loop between two batches, so the folder holds exactly the
/// answered sequence and messages; the loop waits for it (a checkpoint links files and flushes the memtables, well under a
/// second for most stores). Snapshot mode: a fresh snapshot first, then the checkpoint, with no snapshot write between.
/// One backup at a time; a failure (a full disk) throws <see cref="StorageUnavailableException"/>.</remarks>
public sealed class Backups(NodeStorage storage, Broker broker, SnapshotJob snapshots, TimeProvider time) : IDisposable
{
    private readonly SemaphoreSlim _one = new(1, 1);

    public void Dispose() => _one.Dispose();

    /// <summary>False in memory mode: there is no store to copy.</summary>
    public bool Available => storage.Store is not null;

    public async Task<BackupResult> RunAsync()
    {
        var store = storage.Store ?? throw new InvalidOperationException("No persistence: nothing to back up.");
        var persistence = storage.Persistence!;
        await _one.WaitAsync();
        try
        {
            Directory.CreateDirectory(persistence.BackupPath);
            var folder = NewFolder(persistence.BackupPath);
            if (persistence.Mode == PersistenceMode.Snapshot)
            {
                var (sequence, messages) = await snapshots.SnapshotThenAsync(_ => store.Checkpoint(folder));
                return new BackupResult(folder, sequence, messages);
            }

            return await broker.AtCommitBoundaryAsync((sequence, messages) =>
            {
                store.Checkpoint(folder);
                return new BackupResult(folder, sequence, messages);
            });
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            throw new StorageUnavailableException($"The backup folder {persistence.BackupPath} cannot be written: {error.Message}", error);
        }
        finally
        {
            _one.Release();
        }
    }

    /// <summary>A folder name that sorts by time and never exists yet (RocksDB refuses an existing one).</summary>
    private string NewFolder(string root)
    {
        var stamp = time.GetUtcNow().ToString("yyyyMMdd'T'HHmmss.fff'Z'", CultureInfo.InvariantCulture);
        for (var n = 0; ; n++)
        {
            var folder = Path.Combine(root, n == 0 ? $"spartan-{stamp}" : $"spartan-{stamp}-{n}");
            if (!Directory.Exists(folder) && !File.Exists(folder)) return folder;
        }
    }
}
