using Spartan.Domain;
using Spartan.Engine;
using Spartan.Storage.Rocks;

namespace Spartan.Benchmarks;

/// <summary>A started <see cref="Broker"/> with the queue <c>bench</c> over one of the stores the benchmarks compare, and
/// what it needs cleaned up.</summary>
internal sealed class EngineHost : IAsyncDisposable
{
    public const string Queue = "bench";
    private readonly RocksStore? _rocks;
    private readonly DirectoryInfo? _folder;

    /// <param name="store"><c>memory</c>: the transient log of memory and snapshot modes; <c>rocks-never</c> /
    /// <c>rocks-always</c>: log mode on RocksDB in a temp folder, <c>fsync = "never"</c> / <c>"always"</c>.</param>
    public EngineHost(string store)
    {
        EngineStore engine;
        if (store == "memory")
        {
            engine = EngineStore.InMemory();
        }
        else
        {
            _folder = Directory.CreateTempSubdirectory("spartan-benchmarks-");
            _rocks = RocksStore.OpenReadWrite(_folder.FullName, syncEvents: store == "rocks-always");
            engine = new EngineStore(_rocks.EventLog);
        }

        Broker = new Broker(new QueueSet([new QueueDefinition(Queue, null, 5, 600, null)]), engine, TimeProvider.System);
        Broker.Start();
    }

    public Broker Broker { get; }

    public async ValueTask DisposeAsync()
    {
        await Broker.DisposeAsync();
        _rocks?.Dispose();
        _folder?.Delete(recursive: true);
    }
}
