using Microsoft.Extensions.Time.Testing;
using Spartan.Domain;
using Spartan.Engine;
using Spartan.Replication.Tls;
using Spartan.Tests.Shared;
using static Spartan.Replication.Tests.Links.LinkTestKit;

namespace Spartan.Replication.Tests.Links;

/// <summary>SPEC §12 <c>[replication.tls]</c> between a real replicator and replica server over loopback: mutual TLS
/// carries the stream; a certificate from another CA and a one-sided setup are refused with the reason logged on both
/// sides, and the primary retries.</summary>
public sealed class ReplicationTlsTests : IDisposable
{
    private const string Retrying = "; retrying in";
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 30, 12, 0, 0, TimeSpan.Zero));
    private readonly string _folder = Directory.CreateTempSubdirectory("spartan-repl-tls-").FullName;
    private readonly TestCa _ca = TestCa.Create("Spartan Test CA");
    private readonly TestCa _other = TestCa.Create("Other CA");
    private readonly string _caFile;

    public ReplicationTlsTests() => _caFile = _ca.WriteCa(_folder);

    public void Dispose()
    {
        _ca.Dispose();
        _other.Dispose();
        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public async Task Events_and_the_secret_handshake_cross_a_mutual_TLS_link()
    {
        await using var replica = new TestReplica(_time, Tls("replica", _ca), secret: "s3cret");
        await using var primary = new TestPrimary(_time, replica.Port, Tls("primary", _ca), secret: "s3cret");

        for (var i = 0; i < 3; i++) await primary.Broker.PushAsync("q", new PushRequest(Guid.NewGuid(), $"over tls {i}", null, null, null, null, null, null));

        await EventuallyAsync(() => replica.Broker.CommittedSequence == primary.Broker.CommittedSequence,
            () => $"replica at {replica.Broker.CommittedSequence}, primary at {primary.Broker.CommittedSequence}\n{primary.Log.Text}\n{replica.Log.Text}");
        Assert.Equal(3, (await replica.Broker.CountAsync("q")).Size);
        Assert.True(replica.Log.Contains("Primary 127.0.0.1:"), replica.Log.Text);
    }

    [Fact]
    public async Task A_replica_whose_certificate_is_from_another_CA_is_refused_with_the_reason_on_both_sides()
    {
        await using var replica = new TestReplica(_time, Tls("replica", _other));
        await using var primary = new TestPrimary(_time, replica.Port, Tls("primary", _ca));

        await EventuallyAsync(() => primary.Log.Contains(
                $"TLS: the replica is not trusted: its certificate (CN=replica) does not chain to the CA in {_caFile}"),
            () => primary.Log.Text);
        Assert.True(primary.Log.Contains(Retrying), primary.Log.Text);
        // During the handshake (TLS 1.2) or right after it (1.3, where the server finishes first): the same hint.
        await EventuallyAsync(() => replica.Log.Contains("it most likely does not trust this node's certificate"), () => replica.Log.Text);
        Assert.Equal(0, replica.Broker.CommittedSequence);
    }

    [Fact]
    public async Task A_primary_whose_certificate_is_from_another_CA_is_refused_with_the_reason_on_both_sides()
    {
        await using var replica = new TestReplica(_time, Tls("replica", _ca));
        await using var primary = new TestPrimary(_time, replica.Port, Tls("primary", _other));

        await EventuallyAsync(() => replica.Log.Contains(
                $"TLS: the primary is not trusted: its certificate (CN=primary) does not chain to the CA in {_caFile}"),
            () => replica.Log.Text);
        await EventuallyAsync(() => primary.Log.Contains("it most likely does not trust this node's certificate"), () => primary.Log.Text);
        Assert.True(primary.Log.Contains(Retrying), primary.Log.Text);
    }

    [Fact]
    public async Task A_TLS_primary_and_a_plaintext_replica_each_log_the_one_sided_setup()
    {
        await using var replica = new TestReplica(_time);
        await using var primary = new TestPrimary(_time, replica.Port, Tls("primary", _ca));

        await EventuallyAsync(() => replica.Log.Contains("the peer started TLS, but this node has no [replication.tls]"), () => replica.Log.Text);
        await EventuallyAsync(() => primary.Log.Contains(
                "the replica closed the connection without answering the TLS handshake; it has no [replication.tls] while this node has one" + Retrying),
            () => primary.Log.Text);
    }

    [Fact]
    public async Task A_plaintext_primary_and_a_TLS_replica_each_log_the_one_sided_setup()
    {
        await using var replica = new TestReplica(_time, Tls("replica", _ca));
        await using var primary = new TestPrimary(_time, replica.Port);

        await EventuallyAsync(() => replica.Log.Contains("the peer spoke plaintext, but this node requires TLS ([replication.tls])"), () => replica.Log.Text);
        await EventuallyAsync(() => primary.Log.Contains(
                "the replica refused: this replica requires TLS ([replication.tls]) and this primary connected without it" + Retrying),
            () => primary.Log.Text);
    }

    [Fact]
    public void Reload_takes_a_renewed_certificate_and_keeps_the_previous_one_when_the_files_are_broken()
    {
        var log = new ListLogger();
        var (cert, key, _) = _ca.WritePair(_folder, "node", "node");
        var tls = new ReplicationTls(cert, key, _caFile, log);
        var renewed = _ca.Issue("node renewed");
        TestCa.WritePem(renewed, _folder, "node");

        tls.Reload();

        Assert.Equal(renewed.Thumbprint, tls.Certificate.Thumbprint);
        Assert.True(log.Contains("Replication TLS certificate loaded: CN=node renewed"), log.Text);
        File.WriteAllText(_caFile, "not a certificate");
        File.WriteAllText(key, "-----BEGIN PRIVATE KEY-----\nbroken\n-----END PRIVATE KEY-----\n");
        tls.Reload();
        Assert.Equal(renewed.Thumbprint, tls.Certificate.Thumbprint);
        Assert.True(log.Contains("the previous certificate stays in use"), log.Text);
        Assert.True(log.Contains(_caFile), log.Text);
    }

    [Fact]
    public void A_missing_file_is_named_when_the_node_starts()
    {
        var (cert, _, _) = _ca.WritePair(_folder, "node", "node");
        var missing = Path.Combine(_folder, "gone-key.pem");

        var error = Assert.Throws<TlsFileException>(() => new ReplicationTls(cert, missing, _caFile, new ListLogger()));

        Assert.Equal(missing, error.Path);
    }

    private ReplicationTls Tls(string node, TestCa issuer)
    {
        var (cert, key, _) = issuer.WritePair(_folder, node, node);
        return new ReplicationTls(cert, key, _caFile, new ListLogger());
    }
}
