using Spartan.Domain;
using Spartan.Domain.Tests;
using Spartan.Engine;
using Spartan.Storage.Rocks;

namespace Spartan.Storage.Tests.Rocks;

/// <summary>Drives the domain's random workload and appends what each step emits to a RocksDB event log as one
/// batch, numbered as the commit loop numbers them (event i of the run is sequence i + 1).</summary>
internal sealed class LoggedWorkload(int seed)
{
    private int _appended;

    public RandomWorkload Workload { get; } = new(seed);
    public QueueHarness Live => Workload.Harness;
    public long LastSequence => Live.Events.Count;

    public async Task RunAsync(RocksEventLog log, int steps)
    {
        for (var step = 0; step < steps; step++)
        {
            Workload.Step();
            if (Live.Events.Count == _appended) continue;
            var batch = new List<SequencedEvent>(Live.Events.Count - _appended);
            for (var i = _appended; i < Live.Events.Count; i++) batch.Add(new SequencedEvent(i + 1, Live.Events[i]));
            log.Append(batch);
            _appended = Live.Events.Count;
        }
    }

    public void AssertRecovered(RecoveryResult recovered)
    {
        Assert.Equal(LastSequence, recovered.LastSequence);
        // Only the workload's runtime queue is not declared, and only while it exists.
        Assert.Equal(Live.Set.Contains("r") ? ["r"] : [], recovered.UndeclaredQueues);
        StateComparison.AssertIdentical(Live.Set, recovered.State, Live.Now);
    }

    public QueueDefinition[] Definitions => Live.Definitions;
}
