using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using static Spartan.EndToEnd.Tests.ReplicationHelpers;

namespace Spartan.EndToEnd.Tests;

/// <summary>SPEC §7 history identity on real processes (log mode): a replica never applies an event of another history.
/// Its primary's folder wiped and refilled past the replica's position → the replica takes a full snapshot and keeps
/// none of its old events; its primary restored from a backup taken before the replica received more → the replica
/// drops that divergent suffix and follows; a replica promoted since → it refuses its old primary as stale, in both
/// logs, and the primary keeps retrying.</summary>
[Collection("Replication")]
public sealed partial class ReplicationHistoryTests
{
    private static readonly TimeSpan Soon = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan Load = TimeSpan.FromMinutes(2);

    /// <summary>A primary that found its replica down backs off up to 16 s (try_timer = 1 s), with a circuit breaker.</summary>
    private static readonly TimeSpan AfterBackoff = TimeSpan.FromSeconds(40);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_replica_of_a_wiped_and_refilled_primary_takes_a_full_snapshot_and_keeps_no_event_of_the_old_history()
    {
        await using var replica = new ReplicationNode("replica");
        await using var primary = new ReplicationNode("primary");
        var port = await StartReplicaAsync(replica);
        primary.WriteConfig(PrimaryConfig([port], Persistence("log")));
        await primary.StartAsync("start");
        await new ReplicationLoad(primary.Http, seed: 61).RunAsync(1_000, ct: Ct).WaitAsync(Load, Ct);
        await WaitCaughtUpAsync(primary, replica, port, Soon);
        var old = EventLines(await replica.DumpAsync("--events"));
        await replica.StopAsync();
        await primary.StopAsync();

        Directory.Delete(Path.Combine(primary.FolderPath, "db"), recursive: true);
        await primary.StartAsync("start");
        await RefillAsync(primary, Sequence(old[^1]) + 100); // past the replica's position, while it is down
        await replica.StartAsync("replica");

        await WaitForLogAsync(replica, "Taking a full snapshot from primary", AfterBackoff);
        Assert.Matches($"Taking a full snapshot from primary \\S+: the histories differ \\(this replica's [0-9a-f]{{8}}, " +
                       $"the primary's [0-9a-f]{{8}}\\): none of the replica's {Sequence(old[^1])} events is the primary's", replica.Logs);
        await WaitCaughtUpAsync(primary, replica, port, Soon);
        var snapshot = long.Parse(InstalledAt().Match(replica.Logs).Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        await new ReplicationLoad(primary.Http, seed: 62).RunAsync(300, ct: Ct).WaitAsync(Load, Ct); // the tail, as events
        await WaitCaughtUpAsync(primary, replica, port, Soon);
        await replica.StopAsync();
        await primary.StopAsync();

        // The same messages and counts; the replica's log is the primary's from the snapshot on.
        await AssertSameDumpsAsync(primary, replica, events: false);
        var events = await replica.DumpAsync("--events");
        Assert.Equal(snapshot + 1, Sequence(EventLines(events)[0]));
        Assert.Equal(await primary.DumpAsync("--events", "--from", $"{snapshot + 1}"), events);
        Assert.DoesNotContain(EventLines(events), old.Contains);
        var messages = await replica.DumpAsync("--queue", "q");
        Assert.DoesNotContain(old.Select(Id).Where(id => id is not null), id => messages.Contains(id!, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_replica_ahead_of_a_primary_restored_from_a_backup_drops_the_divergent_suffix_and_converges()
    {
        await using var replica = new ReplicationNode("replica");
        await using var primary = new ReplicationNode("primary");
        var port = await StartReplicaAsync(replica);
        primary.WriteConfig(PrimaryConfig([port], Persistence("log")));
        await primary.StartAsync("start");
        await new ReplicationLoad(primary.Http, seed: 71).RunAsync(500, ct: Ct).WaitAsync(Load, Ct);
        using var backup = await primary.Http.PostAsync("/_/backup", null, Ct);
        backup.EnsureSuccessStatusCode();
        var taken = await backup.Content.ReadFromJsonAsync<JsonElement>(Ct);
        var (folder, backedUp) = (taken.GetProperty("path").GetString()!, taken.GetProperty("sequence").GetInt64());
        await new ReplicationLoad(primary.Http, seed: 72).RunAsync(500, ct: Ct).WaitAsync(Load, Ct); // the replica gets these
        await WaitCaughtUpAsync(primary, replica, port, Soon);
        var diverging = EventLines(await replica.DumpAsync("--events", "--from", $"{backedUp + 1}"));
        var held = Sequence(diverging[^1]);
        await replica.StopAsync();
        await primary.StopAsync();

        primary.WriteConfig(PrimaryConfig([port], $"""
            [persistence]
            mode = "log"
            path = "{folder}"
            compaction = false
            """));
        await primary.StartAsync("start");
        await RefillAsync(primary, held - backedUp + 100); // past the replica's position, while it is down
        await replica.StartAsync("replica");

        await WaitForLogAsync(replica, $"Dropping {held - backedUp} events that are not in the history of primary", AfterBackoff);
        Assert.Contains($"events {backedUp + 1}–{held} of the replica are not in the primary's history, which it shares up to {backedUp}; " +
                        $"the stream resumes after {backedUp}", replica.Logs, StringComparison.Ordinal);
        await WaitForLogAsync(primary, $"it drops them and the stream resumes after {backedUp}", Soon);
        await WaitCaughtUpAsync(primary, replica, port, Soon);
        await new ReplicationLoad(primary.Http, seed: 73).RunAsync(300, ct: Ct).WaitAsync(Load, Ct);
        await WaitCaughtUpAsync(primary, replica, port, Soon);
        await replica.StopAsync();
        await primary.StopAsync();

        Assert.DoesNotContain("Taking a full snapshot", replica.Logs, StringComparison.Ordinal);
        Assert.DoesNotContain("Installed the primary's snapshot", replica.Logs, StringComparison.Ordinal);
        await AssertSameDumpsAsync(primary, replica);
        Assert.DoesNotContain(EventLines(await replica.DumpAsync("--events")), diverging.Contains);
    }

    [Fact]
    public async Task A_promoted_replica_refuses_its_old_primary_as_stale_in_both_logs_while_the_primary_keeps_retrying()
    {
        await using var replica = new ReplicationNode("replica");
        await using var primary = new ReplicationNode("primary");
        var port = await StartReplicaAsync(replica);
        primary.WriteConfig(PrimaryConfig([port], Persistence("log")));
        await primary.StartAsync("start");
        await new ReplicationLoad(primary.Http, seed: 81).RunAsync(300, ct: Ct).WaitAsync(Load, Ct);
        await WaitCaughtUpAsync(primary, replica, port, Soon);
        await replica.StopAsync();

        // Promoted (its [replication] removed): it begins epoch 2 of the history it took from the primary, and takes writes.
        replica.WriteConfig($"""
            queues = ["q", "lag"]
            {Persistence("log")}
            """);
        await replica.StartAsync("start");
        using (var push = await replica.Http.PostAsync("/q", new StringContent("""{"body":"while promoted"}"""), Ct))
            push.EnsureSuccessStatusCode();
        await replica.StopAsync();
        var promoted = await replica.DumpAsync("--queue", "q");

        // Made a replica again while the old primary, still at epoch 1, streams to it.
        replica.WriteConfig(ReplicaConfig(port, Persistence("log")));
        await replica.StartAsync("replica");

        const string Stale = "a stale primary: its newest epoch is 1 (";
        // Two refusals: each comes after a backoff of up to 16 s, the circuit perhaps open 3 s more.
        await WaitForLogAsync(primary, $"Replica {Address(port)}: the replica refused: {Stale}", 2 * AfterBackoff, times: 2);
        Assert.Matches(@"its newest epoch is 1 \([0-9a-f]{8}\), older than epoch 2 \([0-9a-f]{8}\) that this node has of the same history; retrying in",
            primary.Logs);
        await WaitForLogAsync(replica, $"refused primary primary@{Environment.MachineName}: {Stale}", Soon);
        Assert.False((await LinkAsync(primary, port)).Connected);
        using (var size = await replica.Http.GetAsync("/q/size", Ct)) size.EnsureSuccessStatusCode();
        await replica.StopAsync();
        Assert.Equal(promoted, await replica.DumpAsync("--queue", "q"));
    }

    /// <summary>Starts the replica on a port the system picks and returns it; it restarts on that port, the one its
    /// primary is configured to reach.</summary>
    private static async Task<int> StartReplicaAsync(ReplicationNode replica)
    {
        replica.WriteConfig(ReplicaConfig(0, Persistence("log")));
        await replica.StartAsync("replica");
        Match listening = Match.Empty;
        await WaitUntilAsync(() => Task.FromResult((listening = ListeningOn().Match(replica.Logs)).Success), Soon,
            () => $"the replica did not say where it listens:\n{replica.Logs}");
        var port = int.Parse(listening.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        replica.WriteConfig(ReplicaConfig(port, Persistence("log")));
        return port;
    }

    /// <summary>Pushes <paramref name="messages"/> messages to <c>q</c> in batches (one event each).</summary>
    private static async Task RefillAsync(ReplicationNode primary, long messages)
    {
        for (long pushed = 0; pushed < messages; pushed += 100)
        {
            var count = (int)Math.Min(100, messages - pushed);
            var batch = "{\"messages\":[" + string.Join(',', Enumerable.Range(0, count).Select(j => $$"""{"body":"refill {{pushed + j}}"}""")) + "]}";
            using var push = await primary.Http.PostAsync("/q/batch", new StringContent(batch), Ct);
            push.EnsureSuccessStatusCode();
        }
    }

    private static string[] EventLines(string dump) => dump.Split('\n', StringSplitOptions.RemoveEmptyEntries);

    private static long Sequence(string line) => JsonDocument.Parse(line).RootElement.GetProperty("seq").GetInt64();

    private static string? Id(string line) =>
        JsonDocument.Parse(line).RootElement.TryGetProperty("id", out var id) && id.ValueKind == JsonValueKind.String ? id.GetString() : null;

    [GeneratedRegex(@"Listening for the primary's replication stream on 127\.0\.0\.1:(\d+)")]
    private static partial Regex ListeningOn();

    [GeneratedRegex(@"Installed the primary's snapshot at sequence (\d+)")]
    private static partial Regex InstalledAt();
}
