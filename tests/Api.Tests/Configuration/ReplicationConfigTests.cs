using Spartan.Api.Configuration;
using Xunit;
using static Spartan.Api.Tests.Configuration.ConfigAssert;

namespace Spartan.Api.Tests.Configuration;

/// <summary>The <c>[replication]</c> table and its primary and replica sub-tables.</summary>
public sealed class ReplicationConfigTests
{
    private const string Queues = "queues = [\"a\"]\n";
    private const string Primary = Queues + "[replication]\nmode = \"primary\"\n[replication.primary]\n";
    private const string Replica = Queues + "[replication]\nmode = \"replica\"\n[replication.replica]\n";

    [Fact]
    public void Primary_gets_its_defaults()
    {
        ReplicationConfig replication = Parse(Primary + "destination = [\"10.0.0.2:12345\", \"replica-b:12345\"]\n").Replication!;

        Assert.Equal(ReplicationMode.Primary, replication.Mode);
        Assert.Null(replication.Secret);
        Assert.Null(replication.Replica);
        Assert.Equal(["10.0.0.2:12345", "replica-b:12345"], replication.Primary!.Destinations);
        Assert.Equal(180, replication.Primary.ReplicationTimerSeconds);
        Assert.Equal(10, replication.Primary.TryTimerSeconds);
    }

    [Fact]
    public void Primary_timers_are_read()
    {
        PrimaryConfig primary = Parse(Primary + "destination = [\"h:1\"]\nreplication_timer = 30\ntry_timer = 2\n").Replication!.Primary!;

        Assert.Equal((30, 2), (primary.ReplicationTimerSeconds, primary.TryTimerSeconds));
    }

    [Fact]
    public void Replica_gets_its_defaults()
    {
        ReplicationConfig replication = Parse(Replica + "host = \"0.0.0.0:12345\"\n").Replication!;

        Assert.Equal(ReplicationMode.Replica, replication.Mode);
        Assert.Null(replication.Primary);
        Assert.Equal(new ReplicaConfig("0.0.0.0:12345", 5), replication.Replica);
    }

    [Fact]
    public void Secret_is_read() =>
        Assert.Equal("s3cret", Parse(Queues + "[replication]\nmode = \"replica\"\nsecret = \"s3cret\"\n[replication.replica]\nhost = \"h:1\"\ntry_timer = 1\n").Replication!.Secret);

    [Theory]
    [InlineData("localhost:1")]
    [InlineData("127.0.0.1:65535")]
    [InlineData("[::1]:5680")]
    [InlineData("replica-1.example.com:12345")]
    public void Valid_host_port_strings_are_accepted(string value)
    {
        Assert.Equal([value], Parse(Primary + $"destination = [\"{value}\"]\n").Replication!.Primary!.Destinations);
        Assert.Equal(value, Parse(Replica + $"host = \"{value}\"\n").Replication!.Replica!.Host);
    }

    [Theory]
    [InlineData("localhost")]
    [InlineData("localhost:65536")]
    [InlineData("localhost:")]
    [InlineData(":5680")]
    [InlineData("host:http")]
    [InlineData("host:+80")]
    [InlineData("::1:5680")]
    [InlineData("[::1]")]
    [InlineData("[127.0.0.1]:80")]
    [InlineData("two words:80")]
    [InlineData("-host:80")]
    public void Invalid_host_port_strings_are_refused(string value)
    {
        Fails(Primary + $"destination = [\"h:1\", \"{value}\"]\n", "replication.primary.destination[1]", "expected \"host:port\"");
        Fails(Replica + $"host = \"{value}\"\n", "replication.replica.host", "expected \"host:port\"");
    }

    [Fact]
    public void Port_0_lets_a_replica_listen_on_any_free_port_but_names_no_destination()
    {
        Assert.Equal("127.0.0.1:0", Parse(Replica + "host = \"127.0.0.1:0\"\n").Replication!.Replica!.Host);
        Fails(Primary + "destination = [\"127.0.0.1:0\"]\n", "replication.primary.destination[0]", "a port from 1 to 65535");
    }

    [Theory]
    [InlineData("replication = \"primary\"\n", "replication", "expected a table")]
    [InlineData("[replication]\n", "replication.mode", "is required")]
    [InlineData("[replication]\nmode = \"leader\"\n", "replication.mode", "expected \"primary\" or \"replica\", got \"leader\"")]
    [InlineData("[replication]\nmode = \"primary\"\n", "replication.primary", "is required when replication.mode is \"primary\"")]
    [InlineData("[replication]\nmode = \"primary\"\n[replication.replica]\nhost = \"h:1\"\n", "replication.primary", "is required")]
    [InlineData("[replication]\nmode = \"replica\"\n", "replication.replica", "is required when replication.mode is \"replica\"")]
    [InlineData("[replication]\nmode = \"replica\"\nsecret = \"\"\n[replication.replica]\nhost = \"h:1\"\n", "replication.secret", "non-empty")]
    [InlineData("[replication]\nmode = \"replica\"\nsecret = 1234\n[replication.replica]\nhost = \"h:1\"\n", "replication.secret", "expected a string")]
    [InlineData("[replication]\nmode = \"primary\"\nprimary = 1\n", "replication.primary", "expected a table")]
    [InlineData("[replication]\nmode = \"primary\"\n[replication.primary]\nreplication_timer = 5\n", "replication.primary.destination", "is required")]
    [InlineData("[replication]\nmode = \"primary\"\n[replication.primary]\ndestination = []\n", "replication.primary.destination", "empty array")]
    [InlineData("[replication]\nmode = \"primary\"\n[replication.primary]\ndestination = \"h:1\"\n", "replication.primary.destination", "got \"h:1\"")]
    [InlineData("[replication]\nmode = \"primary\"\n[replication.primary]\ndestination = [\"h:1\", \"h:1\"]\n", "replication.primary.destination[1]", "listed twice")]
    [InlineData("[replication]\nmode = \"primary\"\n[replication.primary]\ndestination = [\"h:1\"]\nreplication_timer = 0\n", "replication.primary.replication_timer", "positive integer")]
    [InlineData("[replication]\nmode = \"primary\"\n[replication.primary]\ndestination = [\"h:1\"]\ntry_timer = \"10\"\n", "replication.primary.try_timer", "positive integer")]
    [InlineData("[replication]\nmode = \"replica\"\n[replication.replica]\ntry_timer = 5\n", "replication.replica.host", "is required")]
    [InlineData("[replication]\nmode = \"replica\"\n[replication.replica]\nhost = 12345\n", "replication.replica.host", "expected a string")]
    [InlineData("[replication]\nmode = \"replica\"\n[replication.replica]\nhost = \"h:1\"\ntry_timer = -5\n", "replication.replica.try_timer", "positive integer")]
    [InlineData("[replication]\nmode = \"replica\"\n[replication.replica]\nhost = \"h:1\"\n[replication.primary]\ndestination = [\"nope\"]\n", "replication.primary.destination[0]", "host:port")]
    public void Invalid_replication_is_refused_with_its_path(string toml, string keyPath, string fragment) =>
        Fails(Queues + toml, keyPath, fragment);

    [Fact]
    public void Secret_is_never_echoed()
    {
        ConfigException error = Fails(Queues + "[replication]\nmode = \"replica\"\nsecret = 987654321\n[replication.replica]\nhost = \"h:1\"\n", "replication.secret");

        Assert.DoesNotContain("987654321", error.Message, StringComparison.Ordinal);
    }
}
