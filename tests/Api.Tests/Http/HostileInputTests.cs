using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Spartan.Tests.Shared;

namespace Spartan.Api.Tests.Http;

/// <summary>SPEC §3.4 and §9 under a barrage of malformed requests on real Kestrel: no 5xx, every complete request is
/// answered, the node keeps serving, data pushed before is intact, and the log holds no failure.</summary>
public sealed class HostileInputTests : IAsyncLifetime
{
    private const int Seed = 20261130;
    private const int Workers = 4;
    private const int RequestsPerWorker = 2_500;
    private const int Kept = 50;

    private const string Toml = """
        queues = ["q", "kept"]
        [[access_keys]]
        key = "root"
        queues = ["*"]
        [[access_keys]]
        key = "barrage"
        queues = ["q"]
        """;

    /// <summary>How long a complete request may go unanswered before the test calls it a hang.</summary>
    private static readonly TimeSpan AnswerDeadline = TimeSpan.FromSeconds(10);

    private readonly CapturedLogs _logs = new();
    private readonly ConcurrentDictionary<(string Kind, int Status), int> _answers = new();
    private readonly ConcurrentQueue<string> _unanswered = new();
    private TestNode _node = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _node = await TestNode.StartAsync(Toml, realHttp: true, logs: _logs);

    public async ValueTask DisposeAsync() => await _node.DisposeAsync();

    [Fact]
    public async Task Ten_thousand_malformed_requests_get_no_5xx_and_leave_the_node_serving_with_its_data()
    {
        TestContext.Current.TestOutputHelper?.WriteLine($"seed {Seed}, {Workers} connections × {RequestsPerWorker} requests");
        var kept = await KeepMessagesAsync();

        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, Workers).Select(RunWorkerAsync)).WaitAsync(TimeSpan.FromMinutes(3), Ct);
        clock.Stop();

        var summary = string.Join('\n', _answers.OrderBy(a => a.Key).Select(a => $"{a.Key.Kind,-10} {a.Key.Status,3} × {a.Value}"));
        TestContext.Current.TestOutputHelper?.WriteLine($"{Workers * RequestsPerWorker} requests in {clock.Elapsed.TotalSeconds:F1} s\n{summary}");

        Assert.Equal(Workers * RequestsPerWorker, _answers.Values.Sum());
        Assert.True(_unanswered.IsEmpty, "complete requests left unanswered:\n" + string.Join('\n', _unanswered.Take(10)));
        // Kestrel answers a request line with an HTTP version it does not know (an HTTP/2 preface included, once a
        // connection has carried an HTTP/1.1 request) with 505, before any application code runs. Nothing else is 5xx.
        var failures = _answers.Where(a => a.Key.Status >= 500 && !(HostileRequest.NamesUnknownVersion(a.Key.Kind) && a.Key.Status == 505)).ToList();
        Assert.True(failures.Count == 0, "5xx answers:\n" + string.Join('\n', failures));
        Assert.True(_answers.Where(a => a.Key.Kind == "valid").All(a => a.Key.Status == 200),
            "a well-formed request during the barrage was not served:\n" + summary);
        Assert.True(_logs.Entries.All(e => e.Level < LogLevel.Warning && e.Exception is null),
            string.Join('\n', _logs.Entries.Where(e => e.Level >= LogLevel.Warning || e.Exception is not null).Take(5)));

        await AssertKeptAsync(kept);
    }

    private async Task RunWorkerAsync(int worker)
    {
        var requests = new HostileRequests(new Random(Seed + worker), "barrage");
        RawConnection? connection = null;
        try
        {
            for (var i = 0; i < RequestsPerWorker && _unanswered.Count < 5; i++)
            {
                var request = requests.Next();
                connection ??= await RawConnection.OpenAsync(_node.Address, Ct);
                var (status, done) = await ExchangeAsync(connection, request);
                _answers.AddOrUpdate((request.Kind, status), 1, (_, n) => n + 1);
                if (!done) continue;
                await connection.DisposeAsync();
                connection = null;
            }
        }
        finally
        {
            if (connection is not null) await connection.DisposeAsync();
        }
    }

    /// <summary>Sends one request and reads its answer: the status (0 for none) and whether the connection is spent.</summary>
    private async Task<(int Status, bool Done)> ExchangeAsync(RawConnection connection, HostileRequest request)
    {
        if (!await connection.WriteAsync(request.Bytes, Ct)) return (0, true);
        if (request.Framing == Framing.Open) connection.CloseSend();

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        deadline.CancelAfter(AnswerDeadline);
        try
        {
            var response = await connection.ReadResponseAsync(deadline.Token, request.HeadMethod);
            var done = response is null || connection.Closed || request.Framing == Framing.Open || request.LeavesBytes;
            return (response?.Status ?? 0, done);
        }
        catch (OperationCanceledException) when (!Ct.IsCancellationRequested)
        {
            if (request.Framing == Framing.Complete) _unanswered.Enqueue($"{request.Kind}: {System.Text.Encoding.Latin1.GetString(request.Bytes[..Math.Min(200, request.Bytes.Length)])}");
            return (0, true);
        }
        catch (IOException)
        {
            return (0, true); // the server closed inside an answer's body
        }
    }

    private async Task<List<(string Body, string Attribute)>> KeepMessagesAsync()
    {
        var kept = new List<(string, string)>();
        for (var i = 0; i < Kept; i++)
        {
            var body = $"kept {i} é 🌍";
            var response = await _node.SendAsync(HttpMethod.Post, "/kept",
                JsonSerializer.Serialize(new { body, attributes = new Dictionary<string, string> { ["n"] = i.ToString(System.Globalization.CultureInfo.InvariantCulture) } }),
                "Bearer root");
            response.EnsureSuccessStatusCode();
            kept.Add((body, i.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        }

        return kept;
    }

    private async Task AssertKeptAsync(List<(string Body, string Attribute)> kept)
    {
        var health = await RawHttp.SendAsync(_node.Address, "GET /_/health HTTP/1.1\r\nHost: t\r\n", null, Ct);
        Assert.Equal(200, health.Status);

        var stats = await TestNode.ReadAsync(await _node.SendAsync(HttpMethod.Get, "/kept/stats", key: "Bearer root"));
        Assert.Equal(Kept, stats.GetProperty("size").GetInt32());
        Assert.Equal(Kept, stats.GetProperty("available").GetInt32());

        var popped = await _node.SendAsync(HttpMethod.Get, "/kept/batch?count=100", key: "Bearer root");
        var messages = (await popped.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("messages").EnumerateArray().ToList();
        Assert.Equal(kept, messages.Select(m => (m.GetProperty("body").GetString()!, m.GetProperty("attributes").GetProperty("n").GetString()!)).ToList());
    }
}
