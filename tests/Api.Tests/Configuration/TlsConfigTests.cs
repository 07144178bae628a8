using Spartan.Api.Configuration;
using Xunit;
using static Spartan.Api.Tests.Configuration.ConfigAssert;

namespace Spartan.Api.Tests.Configuration;

/// <summary>The <c>[tls]</c> and <c>[replication.tls]</c> tables (SPEC §12); files are checked when a node starts.</summary>
public sealed class TlsConfigTests
{
    private const string Queues = "queues = [\"a\"]\n";
    private const string Replica = Queues + "[replication]\nmode = \"replica\"\n[replication.replica]\nhost = \"h:1\"\n";

    [Fact]
    public void Without_a_tls_table_http_is_plain() => Assert.Null(Parse(Queues).Tls);

    [Fact]
    public void Tls_paths_are_resolved_against_the_config_folder()
    {
        TlsConfig tls = Parse(Queues + "[tls]\ncert = \"server.pem\"\nkey = \"/etc/spartan/server-key.pem\"\n").Tls!;

        Assert.Equal(Path.Combine(FakeFolder, "server.pem"), tls.Cert);
        Assert.Equal("/etc/spartan/server-key.pem", tls.Key);
        Assert.Null(tls.ClientCa);
    }

    [Fact]
    public void Client_ca_is_optional_and_resolved() =>
        Assert.Equal(Path.Combine(FakeFolder, "certs", "ca.pem"),
            Parse(Queues + "[tls]\ncert = \"s.pem\"\nkey = \"k.pem\"\nclient_ca = \"certs/ca.pem\"\n").Tls!.ClientCa);

    [Fact]
    public void Replication_tls_needs_cert_key_and_ca()
    {
        ReplicationTlsConfig tls = Parse(Replica + "[replication.tls]\ncert = \"n.pem\"\nkey = \"n-key.pem\"\nca = \"ca.pem\"\n").Replication!.Tls!;

        Assert.Equal(new ReplicationTlsConfig(Path.Combine(FakeFolder, "n.pem"), Path.Combine(FakeFolder, "n-key.pem"),
            Path.Combine(FakeFolder, "ca.pem")), tls);
    }

    [Theory]
    [InlineData("[tls]\nkey = \"k.pem\"\n", "tls.cert", "is required")]
    [InlineData("[tls]\ncert = \"s.pem\"\n", "tls.key", "is required")]
    [InlineData("[tls]\ncert = \"s.pem\"\nkey = \"k.pem\"\nca = \"ca.pem\"\n", "tls.ca", "unknown key")]
    [InlineData("[tls]\ncert = 1\nkey = \"k.pem\"\n", "tls.cert", "expected a string")]
    [InlineData("[tls]\ncert = \"\"\nkey = \"k.pem\"\n", "tls.cert", "non-empty")]
    [InlineData("tls = \"on\"\n", "tls", "expected a table")]
    public void Invalid_tls_is_refused_with_its_path(string toml, string keyPath, string fragment) =>
        Fails(Queues + toml, keyPath, fragment);

    [Theory]
    [InlineData("[replication.tls]\ncert = \"n.pem\"\nkey = \"k.pem\"\n", "replication.tls.ca", "is required")]
    [InlineData("[replication.tls]\ncert = \"n.pem\"\nkey = \"k.pem\"\nca = \"ca.pem\"\nclient_ca = \"x\"\n", "replication.tls.client_ca", "unknown key")]
    [InlineData("[replication.tls]\nkey = \"k.pem\"\nca = \"ca.pem\"\n", "replication.tls.cert", "is required")]
    public void Invalid_replication_tls_is_refused_with_its_path(string toml, string keyPath, string fragment) =>
        Fails(Replica + toml, keyPath, fragment);
}
