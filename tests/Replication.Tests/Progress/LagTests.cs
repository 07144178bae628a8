using Microsoft.Extensions.Time.Testing;
using NodaTime;
using Spartan.Replication.Replica;

namespace Spartan.Replication.Tests.Progress;

/// <summary>SPEC §8: how far behind a replica is, seen from the primary (age of the oldest unacknowledged event, which
/// grows while the replica is down) and from the replica itself.</summary>
public sealed class LagTests
{
    private static readonly Instant T0 = Instant.FromUtc(2026, 11, 30, 12, 0);

    [Fact]
    public void The_primary_sees_the_age_of_the_oldest_unacknowledged_event_growing_until_it_is_acknowledged()
    {
        long committed = 10;
        var at = new Dictionary<long, Instant> { [6] = T0, [7] = T0 + Duration.FromSeconds(1) };
        var progress = new ReplicaProgress("r:1", acked: 5, () => committed, s => at.TryGetValue(s + 1, out var i) ? i : null);

        Assert.Equal(5, progress.LagEvents);
        Assert.Equal(3, progress.LagSeconds(T0 + Duration.FromSeconds(3)));
        Assert.Equal(30, progress.LagSeconds(T0 + Duration.FromSeconds(30)));

        progress.Acknowledge(6);
        Assert.Equal(29, progress.LagSeconds(T0 + Duration.FromSeconds(30)));
        progress.Acknowledge(10);
        Assert.Equal(0, progress.LagSeconds(T0 + Duration.FromSeconds(30)));
        Assert.Equal(0, progress.LagEvents);
    }

    [Fact]
    public void A_replica_never_connected_is_as_far_behind_as_it_has_been_up()
    {
        var clock = new FakeTimeProvider(T0.ToDateTimeOffset());
        var status = new ReplicaStatus(clock, () => 40);

        clock.Advance(TimeSpan.FromSeconds(12));
        var view = status.Read(Now(clock));

        Assert.Equal((false, 40L, 12.0, (Instant?)null), (view.Connected, view.Applied, view.LagSeconds, view.LastContact));
    }

    [Fact]
    public void A_connected_replica_is_behind_until_the_primary_says_it_has_everything()
    {
        var clock = new FakeTimeProvider(T0.ToDateTimeOffset());
        long applied = 40;
        var status = new ReplicaStatus(clock, () => applied);
        status.Connected();
        applied = 90;
        status.Heard(lastAppliedAt: T0 - Duration.FromSeconds(2));

        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(3, status.Read(Now(clock)).LagSeconds); // what it shows is as of its newest applied event

        status.Heard(primaryCommitted: 90);
        Assert.Equal(0, status.Read(Now(clock)).LagSeconds);
        Assert.Equal(Now(clock), status.Read(Now(clock)).LastContact);
    }

    [Fact]
    public void A_disconnected_replica_is_behind_by_the_time_since_it_last_heard_from_its_primary()
    {
        var clock = new FakeTimeProvider(T0.ToDateTimeOffset());
        var status = new ReplicaStatus(clock, () => 7);
        status.Connected();
        status.Heard(primaryCommitted: 7);
        clock.Advance(TimeSpan.FromSeconds(4));
        status.Disconnected();

        clock.Advance(TimeSpan.FromSeconds(11));
        var view = status.Read(Now(clock));

        Assert.False(view.Connected);
        Assert.Equal(15, view.LagSeconds);
        Assert.Equal(T0, view.LastContact);
    }

    private static Instant Now(TimeProvider clock) => Instant.FromDateTimeOffset(clock.GetUtcNow());
}
