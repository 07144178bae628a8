using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using Spartan.Bench.Client;
using Spartan.Bench.Measure;
using Spartan.Bench.Report;
using Spartan.Bench.Server;

namespace Spartan.Bench.Workloads;

/// <summary>Long polling on one server: how soon a push wakes a parked consumer (LP1), and how many threads the server
/// holds with many consumers parked (LP2). These figures were asserted by tests once (p99 under 50 ms, fewer than 40 more
/// threads); a shared 2-core machine makes them noise there, so they are measured here and the tests assert behaviour.</summary>
internal static class LongPoll
{
    private const string Series = "spartan_long_poll_waiting";
    private static readonly TimeSpan ParkDeadline = TimeSpan.FromSeconds(30);

    /// <summary>LP1: <paramref name="rounds"/> times, <paramref name="consumers"/> consumers park in
    /// <c>GET /{queue}?wait=20</c> (a connection each), then one client pushes that many messages in turn. Latency runs
    /// from the start of a push to the answer that carries its body; CPU is the server's per wake-up (push included).</summary>
    public static async Task<Row> WakeUpAsync(Session session, int rounds, int consumers, CancellationToken ct)
    {
        using var http = Consumers(consumers);
        var pusher = session.Clients[0];
        for (var i = 0; i < 20; i++) await RoundAsync(session, http, pusher, 1, $"warm{i}", new LatencyRecorder(), ct);

        var latency = new LatencyRecorder();
        var clock = Stopwatch.StartNew();
        for (var round = 0; round < rounds; round++) await RoundAsync(session, http, pusher, consumers, $"r{round}", latency, ct);
        // No msg/s or CPU: a round is mostly parking and polling /_/metrics until all are parked, not serving.
        return Progress.Show(new Row($"LP1 wake-up, {consumers} parked", session.Mode.Name, latency.Count, clock.Elapsed.TotalSeconds,
            double.NaN, latency.QuantileMs(0.50), latency.QuantileMs(0.99), null, 0,
            $"latency: push start → parked consumer's answer; max {MarkdownTable.Ms(latency.QuantileMs(1))} ms"));
    }

    /// <summary>LP2: the server's thread count idle, then with <paramref name="parked"/> long polls parked; they are then
    /// woken by pushes (batches of 100) and the queue emptied.</summary>
    public static async Task<Row> ThreadsAsync(Session session, int parked, CancellationToken ct)
    {
        using var http = Consumers(parked);
        var pid = session.Server.Pid;
        var idle = ProcFs.Threads(pid);
        var polls = Enumerable.Range(0, parked).Select(_ => http.GetAsync(new Uri(session.Address, $"{ServerMode.Queue}?wait=20"), ct)).ToArray();
        await Metrics.WaitForAsync(http, session.Address, Series, parked, ParkDeadline, ct);
        var during = ProcFs.Threads(pid);
        var rss = ProcFs.RssBytes(pid);

        var batch = Payloads.Batch(Payloads.Body(100), Steps.FillBatch);
        for (var woken = 0; woken < parked; woken += Steps.FillBatch) await session.Clients[0].PushBatchAsync(batch, ct);
        foreach (var answer in await Task.WhenAll(polls).WaitAsync(ParkDeadline, ct)) answer.Dispose();
        await Steps.EmptyAsync(session, ct);
        return Progress.Show(new Row($"LP2 {parked} parked", session.Mode.Name, parked, 0, double.NaN, null, null, null, 0,
            $"server threads idle {idle}, with {parked} parked {during} ({during - idle:+0;-0;0}); RSS then {rss / (1024 * 1024)} MB"));
    }

    private static async Task RoundAsync(Session session, HttpClient http, QueueClient pusher, int consumers, string tag,
        LatencyRecorder latency, CancellationToken ct)
    {
        var pushedAt = new long[consumers];
        var answeredAt = new long[consumers];
        var polls = Enumerable.Range(0, consumers).Select(async _ =>
        {
            using var response = await http.GetAsync(new Uri(session.Address, $"{ServerMode.Queue}?wait=20"), ct);
            var arrived = Stopwatch.GetTimestamp();
            var bytes = await response.Content.ReadAsByteArrayAsync(ct);
            if (response.StatusCode != HttpStatusCode.OK) throw new BenchHttpException("GET /{queue}?wait=20", response.StatusCode, Encoding.UTF8.GetString(bytes));
            using var message = JsonDocument.Parse(bytes);
            var body = message.RootElement.GetProperty("body").GetString() ?? "";
            answeredAt[int.Parse(body[(tag.Length + 1)..], CultureInfo.InvariantCulture)] = arrived;
        }).ToArray();
        await Metrics.WaitForAsync(http, session.Address, Series, consumers, ParkDeadline, ct);

        for (var i = 0; i < consumers; i++)
        {
            pushedAt[i] = Stopwatch.GetTimestamp();
            await pusher.PushAsync(Payloads.Push($"{tag}-{i}"), ct);
        }

        await Task.WhenAll(polls).WaitAsync(ParkDeadline, ct);
        await Steps.EmptyAsync(session, ct);
        for (var i = 0; i < consumers; i++) latency.Record((long)Stopwatch.GetElapsedTime(pushedAt[i], answeredAt[i]).TotalNanoseconds);
    }

    /// <summary>One client whose handler opens a connection per concurrent request, as many consumers would.</summary>
    private static HttpClient Consumers(int count) => new(new SocketsHttpHandler
    {
        MaxConnectionsPerServer = count + 10,
        UseProxy = false,
        UseCookies = false,
    })
    {
        Timeout = TimeSpan.FromSeconds(60),
    };
}
