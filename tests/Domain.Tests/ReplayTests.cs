namespace Spartan.Domain.Tests;

/// <summary>Replaying the events a queue set emitted onto an empty set rebuilds the identical state (SPEC §6).</summary>
public sealed class ReplayTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(20261126)]
    [InlineData(7)]
    [InlineData(424242)]
    public void Replaying_random_operations_rebuilds_identical_state(int seed)
    {
        output.WriteLine($"Bogus seed {seed}");
        var workload = new RandomWorkload(seed);
        var live = workload.Harness;
        for (var step = 0; step < 3000; step++) workload.Step();

        var replayed = new QueueSet(live.Definitions);
        foreach (var e in live.Events) replayed.Apply(e);

        // The property only means something when every kind of event took part.
        Assert.Equal(13, live.Events.Select(e => e.GetType()).Distinct().Count());
        StateComparison.AssertIdentical(live.Set, replayed, live.Now);
    }
}
