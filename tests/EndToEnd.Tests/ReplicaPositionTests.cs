using static Spartan.EndToEnd.Tests.ReplicationHelpers;

namespace Spartan.EndToEnd.Tests;

/// <summary>SPEC §7: the position of a replica that is no longer a destination is dropped at startup, before compaction,
/// so the event log is folded whole instead of growing for a replica that is gone.</summary>
[Collection("Replication")]
public sealed class ReplicaPositionTests
{
    private static readonly TimeSpan Soon = TimeSpan.FromSeconds(15);
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_removed_destination_no_longer_holds_back_compaction()
    {
        await using var primary = new ReplicationNode("primary");
        await using var replica = new ReplicationNode("replica");
        replica.WriteConfig(ReplicaConfig(AnyPort, Persistence("log")));
        await replica.StartAsync("replica");
        var port = replica.ReplicationPort;
        primary.WriteConfig(PrimaryConfig([port], Persistence("log")));
        await primary.StartAsync("start");
        await new ReplicationLoad(primary.Http, seed: 11).RunAsync(300, ct: Ct).WaitAsync(TimeSpan.FromMinutes(1), Ct);
        await WaitCaughtUpAsync(primary, replica, port, Soon);
        await replica.StopAsync();

        // The replica falls behind for good: the primary would keep every later event for it.
        await new ReplicationLoad(primary.Http, seed: 12).RunAsync(300, ct: Ct).WaitAsync(TimeSpan.FromMinutes(1), Ct);
        await primary.StopAsync();
        Assert.True(Lines(await primary.DumpAsync("--events")) > 300);

        primary.WriteConfig($"""
            queues = ["q", "lag"]
            {Persistence("log", compaction: true)}
            """);
        await primary.StartAsync("start");
        await WaitForLogAsync(primary, $"Dropped the replication position of {Address(port)}", Soon);
        await WaitForLogAsync(primary, "Compacted the event log", Soon);
        await primary.StopAsync();

        Assert.Equal(0, Lines(await primary.DumpAsync("--events")));
        Assert.True(primary.Logs.IndexOf("Dropped the replication position", StringComparison.Ordinal)
                    < primary.Logs.IndexOf("Compacted the event log", StringComparison.Ordinal));
    }
}
