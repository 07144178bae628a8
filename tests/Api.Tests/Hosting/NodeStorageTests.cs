using Microsoft.Extensions.Logging.Abstractions;
using Spartan.Api.Configuration;
using Spartan.Api.Hosting;
using Spartan.Engine;
using Spartan.Storage.Rocks;

namespace Spartan.Api.Tests.Hosting;

/// <summary>Which log each <c>[persistence]</c> gets (SPEC §6): the durability promise hangs on this mapping.</summary>
public sealed class NodeStorageTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("spartan-storage-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private NodeStorage Open(string persistence) => NodeStorage.Open(
        ConfigLoader.Parse($"queues = [\"q\"]\n{persistence}", Path.Combine(_folder, "Spartan.toml")),
        TimeProvider.System, NullLogger<NodeStorage>.Instance);

    [Fact]
    public void Log_mode_with_fsync_always_syncs_every_append()
    {
        using var storage = Open("[persistence]\nmode = \"log\"\nfsync = \"always\"");
        Assert.True(Assert.IsType<RocksEventLog>(storage.Engine.Log).SyncsEachWrite);
    }

    [Fact]
    public void Log_mode_with_fsync_never_leaves_syncing_to_the_os()
    {
        using var storage = Open("[persistence]\nmode = \"log\"\nfsync = \"never\"");
        Assert.False(Assert.IsType<RocksEventLog>(storage.Engine.Log).SyncsEachWrite);
    }

    [Fact]
    public void Snapshot_mode_and_memory_keep_no_event_log()
    {
        using (var snapshot = Open("[persistence]\nmode = \"snapshot\""))
        {
            Assert.IsType<TransientEventLog>(snapshot.Engine.Log);
            Assert.NotNull(snapshot.Store);
        }

        using var memory = Open("");
        Assert.IsType<TransientEventLog>(memory.Engine.Log);
        Assert.Null(memory.Store);
    }
}
