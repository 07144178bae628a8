using Spartan.Bench.Measure;

namespace Spartan.Bench.Report;

/// <summary>One line of a results table (and of the JSON file).</summary>
internal sealed record Row(
    string Workload,
    string Mode,
    long N,
    double Seconds,
    double MsgPerSec,
    double? P50Ms,
    double? P99Ms,
    double? ServerCpuUsPerMsg,
    long Errors,
    string Note)
{
    /// <summary>Server context switches per message during the phase, where measured.</summary>
    public double? ServerSwitchesPerMsg { get; init; }

    public static Row From(string workload, string mode, PhaseResult phase, string note = "")
    {
        var notes = new List<string>();
        if (note.Length > 0) notes.Add(note);
        if (phase.Capped) notes.Add("time cap reached");
        if (phase.Errors > 0) notes.Add($"{phase.Errors} errors, first: {phase.FirstError}");
        return new Row(workload, mode, phase.Messages, phase.Elapsed.TotalSeconds, phase.MessagesPerSecond,
            phase.Latency.QuantileMs(0.50), phase.Latency.QuantileMs(0.99), phase.CpuMicrosPerMessage, phase.Errors,
            string.Join("; ", notes))
        {
            ServerSwitchesPerMsg = phase.ContextSwitchesPerMessage,
        };
    }
}
