namespace Spartan.Engine;

/// <summary>How far a long startup step is: what it does, how much of how much is done.</summary>
public readonly record struct StepProgress(string Step, long Done, long Total);

/// <summary>Reports a long step's progress at most once per <see cref="Every"/> (SPEC: long startups say what they
/// do at least every 5 s), measured on the injected clock; calling <see cref="Tick"/> often costs one clock read.</summary>
public sealed class ProgressClock(TimeProvider time, Action<StepProgress>? report)
{
    /// <summary>The longest silence while a step runs.</summary>
    public static readonly TimeSpan Every = TimeSpan.FromSeconds(5);

    private long _last = time.GetTimestamp();

    /// <summary>A clock that reports nothing.</summary>
    public static ProgressClock None { get; } = new(TimeProvider.System, null);

    public void Tick(string step, long done, long total)
    {
        if (report is null || time.GetElapsedTime(_last) < Every) return;
        _last = time.GetTimestamp();
        report(new StepProgress(step, done, total));
    }
}
