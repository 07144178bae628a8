using Spartan.Api.Configuration;
using Spartan.Api.Hosting;

namespace Spartan.Api.Tests.Hosting;

/// <summary>SIGHUP (SPEC §5): which changed keys are logged as needing a restart.</summary>
public sealed class ConfigChangesTests
{
    private static SpartanConfig Parse(string toml) => ConfigLoader.Parse(toml, "/srv/Spartan.toml");

    [Fact]
    public void Queue_keys_need_a_restart_and_access_keys_do_not()
    {
        var running = Parse("queues = [\"q\"]\n");
        var next = Parse("""
            queues = ["q", "r"]
            allow_runtime_queues = false
            max_queues = 5
            [[access_keys]]
            key = "k"
            queues = ["*"]
            """);

        Assert.Equal(["queues", "allow_runtime_queues", "max_queues"], ConfigChanges.NeedingRestart(running, next));
        Assert.Empty(ConfigChanges.NeedingRestart(running, Parse("queues = [\"q\"]\n[[access_keys]]\nkey = \"k\"\nqueues = [\"*\"]\n")));
    }

    [Fact]
    public void The_sqs_table_needs_a_restart()
    {
        var running = Parse("queues = [\"q\"]\n");
        var next = Parse("queues = [\"q\"]\n[sqs]\nregion = \"eu-west-1\"\n");

        Assert.Equal(["sqs"], ConfigChanges.NeedingRestart(running, next));
    }

    [Fact]
    public void The_cluster_table_needs_a_restart_and_an_unchanged_one_does_not()
    {
        const string cluster = """
            queues = ["q"]
            [cluster]
            name = "prod"
            node = "a"
            etcd = ["http://127.0.0.1:2379"]
            advertise_http = "127.0.0.1:5680"
            advertise_replication = "127.0.0.1:12345"
            """;
        var running = Parse(cluster);

        Assert.Empty(ConfigChanges.NeedingRestart(running, Parse(cluster)));
        Assert.Equal(["cluster"], ConfigChanges.NeedingRestart(running, Parse(cluster + "\nttl = 5\n")));
        Assert.Equal(["cluster"], ConfigChanges.NeedingRestart(running,
            Parse(cluster.Replace("http://127.0.0.1:2379", "http://10.0.0.1:2379", StringComparison.Ordinal))));
    }
}
