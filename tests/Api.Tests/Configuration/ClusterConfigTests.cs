using Spartan.Api.Configuration;
using Xunit;
using static Spartan.Api.Tests.Configuration.ConfigAssert;

namespace Spartan.Api.Tests.Configuration;

/// <summary>The <c>[cluster]</c> table (SPEC §13), validated like every key; with it, <c>[replication]</c> keeps only the
/// links' secret and TLS.</summary>
public sealed class ClusterConfigTests
{
    private const string Cluster = """
        queues = ["a"]
        [cluster]
        name = "prod"
        node = "node-a"
        etcd = ["http://127.0.0.1:2379", "http://10.0.0.6:2379/"]
        advertise_http = "127.0.0.1:5680"
        advertise_replication = "127.0.0.1:12345"

        """;

    [Fact]
    public void Every_key_is_read_with_the_documented_defaults()
    {
        var config = Parse(Cluster);

        var cluster = config.Cluster!;
        Assert.Equal("prod", cluster.Name);
        Assert.Equal("node-a", cluster.Node);
        Assert.Equal(["http://127.0.0.1:2379", "http://10.0.0.6:2379/"], cluster.Etcd);
        Assert.Equal(10, cluster.TtlSeconds);
        Assert.Equal(ClusterAck.Local, cluster.Ack);
        Assert.Equal("127.0.0.1:5680", cluster.AdvertiseHttp);
        Assert.Equal("127.0.0.1:12345", cluster.AdvertiseReplication);
        // The role comes from etcd: replication is on, in cluster mode, without a [replication] table.
        Assert.Equal(ReplicationMode.Cluster, config.Replication!.Mode);
        Assert.Null(config.Replication.Secret);
    }

    [Fact]
    public void Ttl_ack_and_port_zero_are_accepted()
    {
        var config = Parse(Cluster.Replace("127.0.0.1:5680", "127.0.0.1:0", StringComparison.Ordinal) + "ttl = 3\nack = \"replica\"\n");

        Assert.Equal(3, config.Cluster!.TtlSeconds);
        Assert.Equal(ClusterAck.Replica, config.Cluster.Ack);
        Assert.Equal("127.0.0.1:0", config.Cluster.AdvertiseHttp);
    }

    [Fact]
    public void Replication_keeps_only_its_secret_with_a_cluster()
    {
        var config = Parse(Cluster + "[replication]\nsecret = \"shared\"\n");

        Assert.Equal(ReplicationMode.Cluster, config.Replication!.Mode);
        Assert.Equal("shared", config.Replication.Secret);
    }

    [Theory]
    [InlineData("mode = \"primary\"\n", "replication.mode")]
    [InlineData("[replication.replica]\nhost = \"127.0.0.1:1\"\n", "replication.replica")]
    [InlineData("[replication.primary]\ndestination = [\"127.0.0.1:1\"]\n", "replication.primary")]
    public void Static_replication_roles_are_refused_with_a_cluster(string table, string key)
    {
        Fails(Cluster + "[replication]\n" + table, key, "not used with [cluster]");
    }

    [Theory]
    [InlineData("port = 1\n", "cluster.port", "unknown key")]
    [InlineData("ttl = 1\n", "cluster.ttl", "below 2 seconds")]
    [InlineData("ttl = 0\n", "cluster.ttl", "")]
    [InlineData("ttl = 3601\n", "cluster.ttl", "")]
    [InlineData("ack = \"all\"\n", "cluster.ack", "\"local\" or \"replica\"")]
    public void A_bad_value_names_its_key(string line, string key, string fragment)
    {
        Fails(Cluster + line, key, fragment);
    }

    [Theory]
    [InlineData("name = \"prod\"\n", "name = \"a/b\"\n", "cluster.name", "letters, digits")]
    [InlineData("node = \"node-a\"\n", "node = \"\"\n", "cluster.node", "non-empty")]
    [InlineData("node = \"node-a\"\n", "node = \"a/b\"\n", "cluster.node", "letters, digits")]
    [InlineData("etcd = [\"http://127.0.0.1:2379\", \"http://10.0.0.6:2379/\"]\n", "etcd = []\n", "cluster.etcd", "non-empty")]
    [InlineData("etcd = [\"http://127.0.0.1:2379\", \"http://10.0.0.6:2379/\"]\n", "etcd = [\"127.0.0.1:2379\"]\n", "cluster.etcd[0]", "http:// URL")]
    [InlineData("etcd = [\"http://127.0.0.1:2379\", \"http://10.0.0.6:2379/\"]\n", "etcd = [\"https://127.0.0.1:2379\"]\n", "cluster.etcd[0]", "https is not supported yet")]
    [InlineData("etcd = [\"http://127.0.0.1:2379\", \"http://10.0.0.6:2379/\"]\n", "etcd = [\"http://a:1\", \"http://a:1\"]\n", "cluster.etcd[1]", "listed twice")]
    [InlineData("advertise_http = \"127.0.0.1:5680\"\n", "advertise_http = \"nowhere\"\n", "cluster.advertise_http", "host:port")]
    [InlineData("advertise_replication = \"127.0.0.1:12345\"\n", "", "cluster.advertise_replication", "is required")]
    public void A_bad_or_missing_key_names_itself(string good, string bad, string key, string fragment)
    {
        Fails(Cluster.Replace(good, bad, StringComparison.Ordinal), key, fragment);
    }
}
