using Spartan.Tests.Shared;
using static Spartan.EndToEnd.Tests.ReplicationHelpers;

namespace Spartan.EndToEnd.Tests;

/// <summary>SPEC §12 <c>[replication.tls]</c> on real processes: mutual TLS carries a mixed load identically; a replica
/// with a certificate from another CA, and TLS on one side only, are refused with the reason in both logs and retried;
/// a renewed certificate is picked up from disk without a restart.</summary>
[Collection("Replication")]
public sealed class ReplicationTlsTests : IDisposable
{
    private static readonly TimeSpan Soon = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan Load = TimeSpan.FromMinutes(2);

    /// <summary>Retries back off exponentially from try_timer = 1 s (with jitter, up to 16 s, and a circuit breaker).</summary>
    private static readonly TimeSpan AfterBackoff = TimeSpan.FromSeconds(40);

    private readonly TestCa _ca = TestCa.Create("Spartan Test CA");
    private readonly TestCa _other = TestCa.Create("Other CA");

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose()
    {
        _ca.Dispose();
        _other.Dispose();
    }

    [Fact]
    public async Task A_mixed_load_replicates_identically_over_mutual_TLS()
    {
        await using var primary = new ReplicationNode("primary");
        await using var replica = new ReplicationNode("replica");
        replica.WriteConfig(ReplicaConfig(AnyPort, Persistence("log"), secret: "s3cr3t-tls") + TlsTable(replica, _ca));
        await replica.StartAsync("replica");
        var port = replica.ReplicationPort;
        primary.WriteConfig(PrimaryConfig([port], Persistence("log"), secret: "s3cr3t-tls") + TlsTable(primary, _ca));
        await primary.StartAsync("start");
        await WaitForLogAsync(primary, $"Replica {Address(port)} connected", Soon);

        await new ReplicationLoad(primary.Http, seed: 51).RunAsync(3_000, ct: Ct).WaitAsync(Load, Ct);
        await WaitCaughtUpAsync(primary, replica, port, Soon);

        Assert.DoesNotContain("Dropped the replication connection", replica.Logs);
        await replica.StopAsync();
        await primary.StopAsync();
        await AssertSameDumpsAsync(primary, replica);
    }

    [Fact]
    public async Task A_replica_with_a_certificate_from_another_CA_is_refused_in_both_logs_retried_and_admitted_once_renewed()
    {
        await using var primary = new ReplicationNode("primary");
        await using var replica = new ReplicationNode("replica");
        replica.WriteConfig(ReplicaConfig(AnyPort, Persistence("log")) + TlsTable(replica, _other));
        await replica.StartAsync("replica");
        var port = replica.ReplicationPort;
        primary.WriteConfig(PrimaryConfig([port], Persistence("log")) + TlsTable(primary, _ca));
        await primary.StartAsync("start");
        using (var push = await primary.Http.PostAsync("/q", new StringContent("""{"body":"tls"}"""), Ct)) push.EnsureSuccessStatusCode();

        var ca = Path.Combine(primary.FolderPath, "ca.pem");
        await WaitForLogAsync(primary,
            $"Replica {Address(port)}: TLS: the replica is not trusted: its certificate (CN=replica) does not chain to the CA in {ca}",
            AfterBackoff, times: 2);
        await WaitForLogAsync(replica, "it most likely does not trust this node's certificate (not issued by the CA in its [replication.tls] ca)",
            Soon, times: 2);
        Assert.Equal(0, (await replica.GetJsonAsync("/q/size")).GetProperty("size").GetInt32());
        ShowRefusals(primary, replica);

        // A certificate from the right CA replaces the files on disk: the next attempt presents it, no restart.
        _ca.WritePair(replica.FolderPath, "node", "replica");
        await WaitCaughtUpAsync(primary, replica, port, AfterBackoff);
        Assert.Equal(1, (await replica.GetJsonAsync("/q/size")).GetProperty("size").GetInt32());
    }

    [Fact]
    public async Task A_primary_with_a_certificate_from_another_CA_is_refused_in_both_logs_and_retried()
    {
        await using var primary = new ReplicationNode("primary");
        await using var replica = new ReplicationNode("replica");
        replica.WriteConfig(ReplicaConfig(AnyPort, Persistence("log")) + TlsTable(replica, _ca));
        await replica.StartAsync("replica");
        var port = replica.ReplicationPort;
        primary.WriteConfig(PrimaryConfig([port], Persistence("log")) + TlsTable(primary, _other));
        await primary.StartAsync("start");

        var ca = Path.Combine(replica.FolderPath, "ca.pem");
        await WaitForLogAsync(replica, $"TLS: the primary is not trusted: its certificate (CN=primary) does not chain to the CA in {ca}",
            AfterBackoff, times: 2);
        await WaitForLogAsync(primary, "it most likely does not trust this node's certificate (not issued by the CA in its [replication.tls] ca); retrying in",
            Soon, times: 2);
        Assert.False((await LinkAsync(primary, port)).Connected);
        ShowRefusals(primary, replica);
    }

    [Fact]
    public async Task A_missing_replication_tls_file_stops_the_start_with_exit_1_and_one_line_naming_it()
    {
        await using var replica = new ReplicationNode("replica");
        var missing = Path.Combine(replica.FolderPath, "missing-key.pem");
        replica.WriteConfig(ReplicaConfig(AnyPort, Persistence("log")) + TlsTable(replica, _ca).Replace(
            Path.Combine(replica.FolderPath, "node-key.pem"), missing, StringComparison.Ordinal));

        var (code, process) = await SpartanProcess.RunAsync(replica.FolderPath, "replica", "--host", "127.0.0.1:0");
        await using (process)
        {
            Assert.Equal(1, code);
            var lines = process.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.Single(lines, l => l.Contains(missing, StringComparison.Ordinal));
            Assert.DoesNotContain("   at ", process.Stderr, StringComparison.Ordinal); // no stack trace
        }
    }

    [Theory]
    [InlineData("primary")]
    [InlineData("replica")]
    public async Task Replication_tls_on_one_side_only_is_refused_with_the_reason_in_both_logs_and_retried(string side)
    {
        await using var primary = new ReplicationNode("primary");
        await using var replica = new ReplicationNode("replica");
        replica.WriteConfig(ReplicaConfig(AnyPort, Persistence("log")) + (side == "replica" ? TlsTable(replica, _ca) : ""));
        await replica.StartAsync("replica");
        var port = replica.ReplicationPort;
        primary.WriteConfig(PrimaryConfig([port], Persistence("log")) + (side == "primary" ? TlsTable(primary, _ca) : ""));
        await primary.StartAsync("start");

        var (primarySays, replicaSays) = side == "primary"
            ? ("the replica closed the connection without answering the TLS handshake; it has no [replication.tls] while this node has one",
                "the peer started TLS, but this node has no [replication.tls]")
            : ("the replica refused: this replica requires TLS ([replication.tls]) and this primary connected without it",
                "the peer spoke plaintext, but this node requires TLS ([replication.tls])");
        await WaitForLogAsync(primary, $"Replica {Address(port)}: {primarySays}; retrying in", AfterBackoff, times: 2);
        await WaitForLogAsync(replica, $": {replicaSays}", Soon, times: 2);
        Assert.False((await LinkAsync(primary, port)).Connected);
        ShowRefusals(primary, replica);
    }

    /// <summary>The first refusal each side logged, in the test output: what an operator reads.</summary>
    private static void ShowRefusals(ReplicationNode primary, ReplicationNode replica)
    {
        var output = TestContext.Current.TestOutputHelper;
        output?.WriteLine(primary.Logs.Split('\n').FirstOrDefault(l => l.Contains("retrying in", StringComparison.Ordinal)) ?? "");
        output?.WriteLine(replica.Logs.Split('\n').FirstOrDefault(l => l.Contains("Dropped the replication", StringComparison.Ordinal)) ?? "");
    }

    /// <summary>A <c>[replication.tls]</c> table for <paramref name="node"/>, its certificate issued by <paramref name="issuer"/>;
    /// the CA it trusts is always the cluster's.</summary>
    private string TlsTable(ReplicationNode node, TestCa issuer)
    {
        var (cert, key, _) = issuer.WritePair(node.FolderPath, "node", node.Name);
        var ca = _ca.WriteCa(node.FolderPath);
        return $"""

            [replication.tls]
            cert = "{cert}"
            key = "{key}"
            ca = "{ca}"

            """;
    }
}
