using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Spartan.Api.Hosting;
using Xunit;

namespace Spartan.Api.Tests.Hosting;

/// <summary>A node's parts start in one explicit order and stop in the reverse order, whatever the container's
/// registration order; a failed start stops what already started.</summary>
public sealed class NodeLifecycleTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Parts_start_in_order_and_stop_in_reverse()
    {
        var log = new List<string>();
        var lifecycle = new NodeLifecycle([new Part("a", log), new Part("b", log), new Part("c", log)], NullLogger<NodeLifecycle>.Instance);

        await lifecycle.StartAsync(Ct);
        await lifecycle.StopAsync(Ct);

        Assert.Equal(["start a", "start b", "start c", "stop c", "stop b", "stop a"], log);
    }

    [Fact]
    public async Task A_part_that_fails_to_start_stops_the_ones_already_started_and_fails_the_start()
    {
        var log = new List<string>();
        var lifecycle = new NodeLifecycle([new Part("a", log), new Part("b", log), new Part("c", log, failStart: true), new Part("d", log)],
            NullLogger<NodeLifecycle>.Instance);

        await Assert.ThrowsAsync<InvalidOperationException>(() => lifecycle.StartAsync(Ct));
        await lifecycle.StopAsync(Ct); // the host calls it too; nothing is stopped twice

        Assert.Equal(["start a", "start b", "start c", "stop b", "stop a"], log);
    }

    [Fact]
    public async Task A_part_that_fails_to_stop_does_not_keep_the_others_running()
    {
        var log = new List<string>();
        var lifecycle = new NodeLifecycle([new Part("a", log), new Part("b", log, failStop: true), new Part("c", log)],
            NullLogger<NodeLifecycle>.Instance);
        await lifecycle.StartAsync(Ct);

        await lifecycle.StopAsync(Ct);

        Assert.Equal(["start a", "start b", "start c", "stop c", "stop b", "stop a"], log);
    }

    [Theory]
    [InlineData(TestNode.DefaultToml, new[] { "snapshots", "commit loop", "replication", "maintenance", "compaction", "store resume" })]
    [InlineData("""
        queues = ["q"]
        [replication]
        mode = "replica"
        [replication.replica]
        host = "127.0.0.1:0"
        """, new[] { "snapshots", "commit loop", "replication", "compaction", "store resume" })]
    public async Task A_node_is_composed_in_the_documented_order(string toml, string[] expected)
    {
        await using var node = await TestNode.StartAsync(toml);

        var lifecycle = node.Services.GetServices<IHostedService>().OfType<NodeLifecycle>().Single();

        Assert.Equal(expected, lifecycle.Parts.Select(p => p.Name));
    }

    private sealed class Part(string name, List<string> log, bool failStart = false, bool failStop = false) : INodePart
    {
        public string Name => name;

        public Task StartAsync(CancellationToken cancellationToken)
        {
            log.Add($"start {name}");
            return failStart ? Task.FromException(new InvalidOperationException(name)) : Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken)
        {
            log.Add($"stop {name}");
            return failStop ? Task.FromException(new InvalidOperationException(name)) : Task.CompletedTask;
        }
    }
}
