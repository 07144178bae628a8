using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using static Spartan.EndToEnd.Tests.ReplicationHelpers;

namespace Spartan.EndToEnd.Tests;

/// <summary>SPEC §8 on real processes: the primary's replication lag grows while a replica is down and returns to about 0
/// once it is back; a replica says in <c>/_/health</c> and its own metrics whether it follows its primary, and
/// <c>?ready=1</c> answers 503 while it does not.</summary>
[Collection("Replication")]
public sealed partial class ReplicationHealthTests
{
    private static readonly TimeSpan Soon = TimeSpan.FromSeconds(20);
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Lag_grows_while_a_replica_is_down_and_returns_to_about_zero_after()
    {
        using var reserved = new ReservedPort(); // the replica restarts on it; nobody else can take it meanwhile
        var port = reserved.Port;
        await using var pair = await ReplicationPair.StartLogAsync(port);
        var (primary, replica) = (pair.Primary, pair.Replica);
        await new ReplicationLoad(primary.Http, seed: 31).RunAsync(200, ct: Ct).WaitAsync(Soon, Ct);
        await WaitCaughtUpAsync(primary, replica, port, Soon);
        Assert.Equal(0, await LagSecondsAsync(primary, port));

        await replica.StopAsync();
        await new ReplicationLoad(primary.Http, seed: 32).RunAsync(50, ct: Ct).WaitAsync(Soon, Ct);
        var first = await LagSecondsAsync(primary, port);
        // Nothing is acknowledged while the replica is down, so the oldest unacknowledged event keeps ageing.
        await WaitUntilAsync(async () => await LagSecondsAsync(primary, port) >= first + 2, Soon,
            () => $"the lag stayed near {first} s while the replica was down");

        await replica.StartAsync("replica");
        await WaitCaughtUpAsync(primary, replica, port, Soon);
        await WaitUntilAsync(async () => await LagSecondsAsync(primary, port) < 1, Soon, () => "the lag did not return to about 0");
    }

    [Fact]
    public async Task A_replica_reports_how_it_follows_its_primary_and_is_not_ready_without_it()
    {
        await using var pair = await ReplicationPair.StartLogAsync(AnyPort);
        var (primary, replica, port) = (pair.Primary, pair.Replica, pair.ReplicaPort);
        await new ReplicationLoad(primary.Http, seed: 33).RunAsync(200, ct: Ct).WaitAsync(Soon, Ct);
        await WaitCaughtUpAsync(primary, replica, port, Soon);

        JsonElement link = default;
        await WaitUntilAsync(async () =>
        {
            link = (await replica.GetJsonAsync("/_/health")).GetProperty("primary");
            return link.GetProperty("connected").GetBoolean() && link.GetProperty("lag_seconds").GetDouble() == 0;
        }, Soon, () => $"the replica's health says {link}");
        var committed = (await primary.DumpAsync("--events")).Split('\n', StringSplitOptions.RemoveEmptyEntries).Length;
        Assert.True(link.GetProperty("applied").GetInt64() >= committed);
        Assert.True(DateTimeOffset.TryParse(link.GetProperty("last_contact").GetString(), CultureInfo.InvariantCulture, out _));
        Assert.Equal(HttpStatusCode.OK, (await replica.Http.GetAsync("/_/health?ready=1", Ct)).StatusCode);
        var metrics = await replica.Http.GetStringAsync("/_/metrics", Ct);
        Assert.Equal(1, Metric(metrics, "spartan_replica_primary_connected"));
        Assert.Equal(link.GetProperty("applied").GetInt64(), (long)Metric(metrics, "spartan_replica_applied_sequence"));
        Assert.DoesNotContain("spartan_replica_", await primary.Http.GetStringAsync("/_/metrics", Ct), StringComparison.Ordinal);

        await primary.StopAsync();
        await WaitUntilAsync(async () => !(await replica.GetJsonAsync("/_/health")).GetProperty("primary").GetProperty("connected").GetBoolean(),
            Soon, () => "the replica still says it is connected");
        using var notReady = await replica.Http.GetAsync("/_/health?ready=1", Ct);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, notReady.StatusCode);
        Assert.Equal("Not ready", JsonDocument.Parse(await notReady.Content.ReadAsStringAsync(Ct)).RootElement.GetProperty("title").GetString());
        Assert.Equal(HttpStatusCode.OK, (await replica.Http.GetAsync("/_/health", Ct)).StatusCode); // it still serves reads
        Assert.Equal(0, Metric(await replica.Http.GetStringAsync("/_/metrics", Ct), "spartan_replica_primary_connected"));
    }

    private static async Task<double> LagSecondsAsync(ReplicationNode primary, int port)
    {
        var text = await primary.Http.GetStringAsync("/_/metrics", Ct);
        return Metric(text, $"spartan_replication_lag_seconds{{replica=\"{Address(port)}\"}}");
    }

    private static double Metric(string text, string series)
    {
        var match = Regex.Match(text, $@"^{Regex.Escape(series)} (\S+)$", RegexOptions.Multiline);
        Assert.True(match.Success, $"no {series} in\n{text}");
        return double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
    }
}
