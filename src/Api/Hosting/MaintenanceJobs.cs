using Spartan.Storage;

namespace Spartan.Api.Hosting;

/// <summary>The time-driven commands: every second, end reservations that ran out (so stats, get and replicas see
/// expiry within a second, SPEC §2.5); every <c>gc_timer</c> seconds, a GC cycle (§2.6).</summary>
/// <remarks>Timers come from the injected <see cref="TimeProvider"/>, so tests drive them with a fake clock. A job
/// only submits a command to the commit loop; a run still in flight is not doubled; a failure is left to the
/// broker's own fail-stop.</remarks>
public sealed class MaintenanceJobs(Broker broker, TimeProvider time, GcInterval gc) : IHostedService, IAsyncDisposable
{
    private static readonly TimeSpan TickPeriod = TimeSpan.FromSeconds(1);
    private readonly List<ITimer> _timers = [];

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _timers.Add(Schedule(broker.TickAsync, TickPeriod));
        _timers.Add(Schedule(broker.CollectGarbageAsync, gc.Period));
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken) => await DisposeAsync();

    public async ValueTask DisposeAsync()
    {
        foreach (var timer in _timers) await timer.DisposeAsync();
        _timers.Clear();
    }

    private ITimer Schedule(Func<Task<int>> job, TimeSpan period)
    {
        var periodic = new PeriodicJob(job);
        return time.CreateTimer(static state => ((PeriodicJob)state!).Run(), periodic, period, period);
    }

    private sealed class PeriodicJob(Func<Task<int>> job)
    {
        private int _running;

        public void Run()
        {
            if (Interlocked.Exchange(ref _running, 1) == 1) return;
            job().ContinueWith(static (_, self) => Volatile.Write(ref ((PeriodicJob)self!)._running, 0), this,
                CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
        }
    }
}

/// <summary>The GC period from <c>gc_timer</c>.</summary>
public sealed record GcInterval(TimeSpan Period);
