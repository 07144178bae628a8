using Spartan.Engine;

namespace Spartan.Api.Hosting;

/// <summary>The time-driven commands: every second, end reservations that ran out (so stats, get and replicas see
/// expiry within a second, SPEC §2.5); every <c>gc_timer</c> seconds, a GC cycle (§2.6).</summary>
/// <remarks>Timers come from the injected <see cref="TimeProvider"/>, so tests drive them with a fake clock. A job only
/// submits a command to the commit loop; a run still in flight is not doubled. A failed run is reported (quietly while the
/// store takes no writes, when every write is refused) and the next tick tries again.</remarks>
public sealed class MaintenanceJobs(Broker broker, TimeProvider time, GcInterval gc, BackgroundFailures failures)
    : INodePart, IAsyncDisposable
{
    private static readonly TimeSpan TickPeriod = TimeSpan.FromSeconds(1);
    private readonly List<ITimer> _timers = [];

    public string Name => "maintenance";

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _timers.Add(Schedule("expiry", broker.TickAsync, TickPeriod));
        _timers.Add(Schedule("gc", broker.CollectGarbageAsync, gc.Period));
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken) => await DisposeAsync();

    public async ValueTask DisposeAsync()
    {
        foreach (var timer in _timers) await timer.DisposeAsync();
        _timers.Clear();
    }

    private ITimer Schedule(string name, Func<Task<int>> job, TimeSpan period)
    {
        var periodic = new PeriodicJob(name, job, broker, failures);
        return time.CreateTimer(static state => _ = ((PeriodicJob)state!).RunAsync(), periodic, period, period);
    }

    private sealed class PeriodicJob(string name, Func<Task<int>> job, Broker broker, BackgroundFailures failures)
    {
        private int _running;

        public async Task RunAsync()
        {
            // A cluster node that follows decides nothing by time: its primary's expiries and GC arrive as events.
            if (broker.Following || Interlocked.Exchange(ref _running, 1) == 1) return;
            try
            {
                await job();
            }
            catch (StorageUnavailableException refused) when (!broker.Writable || broker.Faulted.IsCompleted)
            {
                failures.ReportQuietly(name, refused); // the store says why once; this would repeat every second
            }
            catch (Exception error)
            {
                failures.Report(name, "a maintenance run", error);
            }
            finally
            {
                Volatile.Write(ref _running, 0);
            }
        }
    }
}

/// <summary>The GC period from <c>gc_timer</c>.</summary>
public sealed record GcInterval(TimeSpan Period);
