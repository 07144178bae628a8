using Spartan.Storage.Rocks;

namespace Spartan.Api.Tests.Hosting;

/// <summary>SPEC §7 history identity in a whole node: every start of a node that takes writes begins an epoch at its
/// next sequence, kept in its folder (log and snapshot modes) under the folder's one history id; a replica's start
/// begins none; a node in memory has a new history at each start.</summary>
public sealed class NodeEpochTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("spartan-epochs-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string Toml(string mode, string? replication = null) => $"""
        queues = ["q"]
        [persistence]
        mode = "{mode}"
        path = "{Path.Combine(_folder, "db")}"
        {replication}
        """;

    [Theory]
    [InlineData("log")]
    [InlineData("snapshot")]
    public async Task Each_start_of_a_writer_begins_an_epoch_at_its_next_sequence_and_a_replica_start_begins_none(string mode)
    {
        Guid id;
        await using (var first = await TestNode.StartAsync(Toml(mode)))
        {
            id = first.Broker.History.Id;
            Assert.Equal([(1L, 1L)], first.Broker.History.Epochs.Select(e => (e.Number, e.Start)));
            for (var i = 0; i < 3; i++) await first.PushAsync("q");
        }

        await using (var second = await TestNode.StartAsync(Toml(mode)))
        {
            Assert.Equal(id, second.Broker.History.Id);
            // The first start recorded q (QueueCreated, event 1) then took the three pushes: the next epoch starts at 5.
            Assert.Equal([(1L, 1L), (2L, 5L)], second.Broker.History.Epochs.Select(e => (e.Number, e.Start)));
        }

        await using (var replica = await TestNode.StartAsync(Toml(mode, """
                         [replication]
                         mode = "replica"
                         [replication.replica]
                         host = "127.0.0.1:0"
                         """)))
            Assert.Equal(2, replica.Broker.History.Epochs.Count);

        using var store = RocksStore.OpenForInspection(Path.Combine(_folder, "db"));
        Assert.Equal(id, store.ReadHistory().Id);
        Assert.Equal([1L, 2L], store.ReadHistory().Epochs.Select(e => e.Number));
    }

    [Fact]
    public async Task A_node_in_memory_has_a_new_history_at_each_start()
    {
        const string toml = """queues = ["q"]""";
        Guid first;
        await using (var node = await TestNode.StartAsync(toml)) first = node.Broker.History.Id;
        await using var again = await TestNode.StartAsync(toml);

        Assert.NotEqual(first, again.Broker.History.Id);
        Assert.Equal(1, again.Broker.History.Latest!.Value.Number);
    }
}
