using Spartan.Bench.Client;
using Spartan.Bench.Measure;
using Spartan.Bench.Report;
using Spartan.Bench.Server;

namespace Spartan.Bench.Workloads;

/// <summary>One round of <c>sqs</c>: the same M messages through the native batch routes, then through the SQS door,
/// on one server; the ratios compare the two phases of that round only.</summary>
internal sealed record SqsRound(string Mode, int Round, Row Native, Row Sdk)
{
    /// <summary>Failed checks of either phase (a queue not empty after it, messages not all deleted) and errors.</summary>
    public IReadOnlyList<string> Problems { get; init; } = [];

    /// <summary>The bench process's own CPU per message in each phase (its HTTP clients, or the SDK): on a machine whose
    /// cores the clients share with the server, this is what msg/s pays besides the server's CPU.</summary>
    public double? NativeClientCpuUsPerMsg { get; init; }

    public double? SdkClientCpuUsPerMsg { get; init; }

    /// <summary>SDK msg/s ÷ native msg/s: below 1, the SDK path moves fewer messages per second.</summary>
    public double? MsgPerSecRatio => Native.MsgPerSec > 0 && Sdk.N > 0 ? Sdk.MsgPerSec / Native.MsgPerSec : null;

    /// <summary>SDK server CPU per message ÷ native: above 1, the door costs the server more per message.</summary>
    public double? CpuRatio => Native.ServerCpuUsPerMsg is > 0 && Sdk.ServerCpuUsPerMsg is { } sdk ? sdk / Native.ServerCpuUsPerMsg : null;
}

/// <summary>SQS1: C clients in a closed loop, each operation moving 10 messages through a push, a pop and a delete of
/// 10 in three requests — native <c>POST /{q}/batch</c>, <c>GET /{q}/batch?count=10</c>, <c>DELETE /{q}/batch</c>,
/// or the SDK's SendMessageBatch, ReceiveMessage (10, no wait), DeleteMessageBatch. A message counts once it is deleted.
/// Both phases use <see cref="ClosedLoop"/> with the same C workers, so tickets, timing and server CPU are taken alike.</summary>
internal static class SqsVsNative
{
    public const int BodyBytes = 100;
    private static readonly TimeSpan WarmUpStep = TimeSpan.FromSeconds(2.5);

    /// <summary>Warms both paths (JIT tiering of the server's routes and of the SDK), then runs the rounds.</summary>
    public static async Task<List<SqsRound>> RunAsync(Session session, long messages, int rounds, TimeSpan cap, CancellationToken ct)
    {
        var body = Payloads.Body(BodyBytes);
        using var sqs = await SqsBenchClient.OpenAsync(session.Address, ServerMode.Queue, session.Clients.Count, body, ct);
        var native = Native(Payloads.Batch(body, SqsBenchClient.Batch));
        Operation sdk = (_, t) => sqs.SendReceiveDeleteAsync(t); // the workers' QueueClients stay idle: one shared SDK client

        const long ceiling = 10_000_000; // the warm-up ends on time; this only bounds the count
        foreach (var operation in new[] { native, sdk, native, sdk })
            await ClosedLoop.RunAsync(session.Clients, session.Server.Pid, ceiling, WarmUpStep, operation, ct);
        await Steps.EmptyAsync(session, ct);

        var results = new List<SqsRound>();
        for (var round = 1; round <= rounds; round++)
        {
            var nativePhase = await PhaseAsync(session, $"native batch 10, round {round}", messages, cap, native, ct);
            var sdkPhase = await PhaseAsync(session, $"sdk batch 10, round {round}", messages, cap, sdk, ct);
            var result = new SqsRound(session.Mode.Name, round, nativePhase.Row, sdkPhase.Row)
            {
                Problems = [.. nativePhase.Problems, .. sdkPhase.Problems],
                NativeClientCpuUsPerMsg = nativePhase.ClientCpuUsPerMsg,
                SdkClientCpuUsPerMsg = sdkPhase.ClientCpuUsPerMsg,
            };
            Progress.Say($"{session.Mode.Name,-10} round {round}: sdk / native: msg/s {Ratio(result.MsgPerSecRatio)}, " +
                         $"server CPU µs/msg {Ratio(result.CpuRatio)}; client CPU µs/msg native " +
                         $"{MarkdownTable.Number(result.NativeClientCpuUsPerMsg, "0.0")}, sdk {MarkdownTable.Number(result.SdkClientCpuUsPerMsg, "0.0")}");
            results.Add(result);
        }

        return results;
    }

    public static string Ratio(double? ratio) => ratio is null ? "–" : MarkdownTable.Number(ratio, "0.00") + "×";

    /// <summary>Push 10 (prebuilt body), pop up to 10, delete those popped: returns the messages deleted.</summary>
    private static Operation Native(byte[] batch) => async (client, ct) =>
    {
        await client.PushBatchAsync(batch, ct);
        var ids = await client.PopBatchAsync(SqsBenchClient.Batch, ct);
        if (ids.Count == 0) return 0;
        await client.DeleteBatchAsync(ids, ct);
        return ids.Count;
    };

    /// <summary>M / 10 operations, then the checks: every message pushed was deleted, so the queue must be empty.</summary>
    private static async Task<(Row Row, List<string> Problems, double? ClientCpuUsPerMsg)> PhaseAsync(
        Session session, string name, long messages, TimeSpan cap, Operation operation, CancellationToken ct)
    {
        var clientBefore = ProcFs.CpuSeconds(Environment.ProcessId);
        var phase = await ClosedLoop.RunAsync(session.Clients, session.Server.Pid, messages / SqsBenchClient.Batch, cap, operation, ct);
        var clientCpu = ProcFs.CpuSeconds(Environment.ProcessId) - clientBefore;
        double? clientPerMsg = clientCpu is { } cpu && phase.Messages > 0 ? cpu * 1e6 / phase.Messages : null;
        var size = await session.Clients[0].SizeAsync(ct);
        var checks = new List<string>();
        if (size != 0) checks.Add($"queue size {size} ≠ 0 after the phase");
        if (phase.Messages != messages) checks.Add($"{phase.Messages} of {messages} messages deleted");
        await Steps.EmptyAsync(session, ct);
        var row = Progress.Show(Row.From(name, session.Mode.Name, phase, Throughput.Join([.. checks])));
        if (phase.Errors > 0) checks.Add($"{phase.Errors} errors, first: {phase.FirstError}"); // Row.From notes them itself
        return (row, [.. checks.Select(c => $"{name}: {c}")], clientPerMsg);
    }
}
