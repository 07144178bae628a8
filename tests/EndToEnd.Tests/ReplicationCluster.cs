using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Text;

namespace Spartan.EndToEnd.Tests;

/// <summary>The replication tests run one at a time, and alone: each runs two or three servers under load, with
/// deadlines (catching up, retries after back-off) that a machine shared with other heavy tests could stretch.</summary>
[CollectionDefinition("Replication", DisableParallelization = true)]
public sealed class ReplicationCollection;

/// <summary>One node of a replication test: its own folder and <c>Spartan.toml</c>, and the real <c>spartan</c>
/// process currently running on it (restarted as the test asks). Every process it started is killed on dispose.</summary>
internal sealed partial class ReplicationNode : IAsyncDisposable
{
    private const int SigKill = 9;
    private const int SigTerm = 15;
    private readonly TempFolder _folder = new();
    private readonly StringBuilder _pastLogs = new();
    private SpartanProcess? _process;
    private HttpClient? _http;
    private int? _replicationPort;

    public ReplicationNode(string name) => Name = name;

    public string Name { get; }
    public string FolderPath => _folder.Path;

    /// <summary>The process id of the running <c>spartan</c>.</summary>
    public int Pid => _process?.Pid ?? throw new InvalidOperationException($"{Name} is not running");

    /// <summary>The HTTP client of the running process.</summary>
    public HttpClient Http => _http ?? throw new InvalidOperationException($"{Name} is not running");

    /// <summary>Standard error of every process this node ran, oldest first.</summary>
    public string Logs
    {
        get
        {
            lock (_pastLogs) return _pastLogs + (_process?.Stderr ?? "");
        }
    }

    public void WriteConfig(string toml) => File.WriteAllText(_folder.File("Spartan.toml"), toml);

    /// <summary>The port the running replica listens on for its primary, read from its log (its configuration may say
    /// port 0: any free port).</summary>
    public int ReplicationPort => _replicationPort ?? throw new InvalidOperationException($"{Name} is not a running replica");

    /// <summary>Runs <c>spartan start</c> or <c>spartan replica</c> on the folder and waits until it listens (a replica:
    /// on HTTP and for its primary).</summary>
    public async Task StartAsync(string command, string host = "127.0.0.1:0")
    {
        if (_process is not null) throw new InvalidOperationException($"{Name} is already running");
        _process = SpartanProcess.Start(_folder.Path, command, "--host", host);
        var address = await _process.ListeningAsync();
        _http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 16, PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
        {
            BaseAddress = address,
            Timeout = TimeSpan.FromSeconds(15),
        };
        if (command == "replica") _replicationPort = await ReadReplicationPortAsync(_process);
    }

    /// <summary>The port of the replica's "Listening for the primary's replication stream on host:port" line.</summary>
    private async Task<int> ReadReplicationPortAsync(SpartanProcess process)
    {
        Match line = Match.Empty;
        await ReplicationHelpers.WaitUntilAsync(() => Task.FromResult((line = ReplicationListeningLine().Match(process.Stderr)).Success),
            TimeSpan.FromSeconds(10), () => $"{Name} did not say where it listens for its primary:\n{process.Stderr}");
        return int.Parse(line.Groups[1].Value, CultureInfo.InvariantCulture);
    }

    /// <summary>SIGTERM; the node must stop gracefully with exit code 0.</summary>
    public async Task StopAsync()
    {
        var process = _process ?? throw new InvalidOperationException($"{Name} is not running");
        process.Signal(SigTerm);
        var code = await process.WaitForExitAsync();
        Assert.True(code == 0, $"{Name} exited with {code} on SIGTERM: {process.Stderr}");
        await ForgetAsync();
    }

    /// <summary>Sends <paramref name="signal"/> to the running process (SIGSTOP and SIGCONT freeze and thaw it).</summary>
    public void Signal(int signal) =>
        (_process ?? throw new InvalidOperationException($"{Name} is not running")).Signal(signal);

    /// <summary>SIGKILL: the node dies at once, mid-whatever.</summary>
    public async Task KillAsync()
    {
        var process = _process ?? throw new InvalidOperationException($"{Name} is not running");
        process.Signal(SigKill);
        Assert.NotEqual(0, await process.WaitForExitAsync());
        await ForgetAsync();
    }

    /// <summary><c>spartan dump --json …</c> on the folder; the node may be running or not.</summary>
    public async Task<string> DumpAsync(params string[] args)
    {
        var (code, dump) = await SpartanProcess.RunAsync(_folder.Path, ["dump", "--json", .. args]);
        await using (dump)
        {
            Assert.True(code == 0, $"dump of {Name} failed with {code}: {dump.Stderr}");
            return dump.Stdout;
        }
    }

    public async Task<JsonElement> GetJsonAsync(string path) =>
        await Http.GetFromJsonAsync<JsonElement>(path, TestContext.Current.CancellationToken);

    public async ValueTask DisposeAsync()
    {
        await ForgetAsync();
        _folder.Dispose();
    }

    private async Task ForgetAsync()
    {
        _http?.Dispose();
        _http = null;
        _replicationPort = null;
        if (_process is null) return;
        lock (_pastLogs) _pastLogs.Append(_process.Stderr);
        await _process.DisposeAsync();
        _process = null;
    }

    [GeneratedRegex(@"Listening for the primary's replication stream on \S+:(\d+)")]
    private static partial Regex ReplicationListeningLine();
}

/// <summary>Configurations, ports, waits and comparisons shared by the replication tests.</summary>
internal static partial class ReplicationHelpers
{
    /// <summary>Queue settings every node of a test shares; <c>timeout</c> is long so no reservation expires mid-test.</summary>
    private const string QueueSettings = """
        [queue_settings.q]
        max_tries = 5
        timeout = 600
        """;

    /// <summary><c>replication.replica.host</c> with port 0: the replica binds any free port and logs it
    /// (<see cref="ReplicationNode.ReplicationPort"/>); start it before writing its primary's configuration.</summary>
    public const int AnyPort = 0;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static string Address(int port) => $"127.0.0.1:{port}";

    /// <summary>A <c>[persistence]</c> table, or none for <c>memory</c>.</summary>
    public static string Persistence(string mode, bool compaction = false) => mode switch
    {
        "memory" => "",
        "snapshot" => """
            [persistence]
            mode = "snapshot"
            path = "./db"
            timer = 900
            """,
        _ => $"""
            [persistence]
            mode = "log"
            path = "./db"
            compaction = {(compaction ? "true" : "false")}
            """,
    };

    public static string PrimaryConfig(IEnumerable<int> replicaPorts, string persistence, string? secret = null,
        string queues = "\"q\", \"lag\"") => $"""
        queues = [{queues}]
        {QueueSettings}
        {persistence}
        [replication]
        mode = "primary"
        {Secret(secret)}
        [replication.primary]
        destination = [{string.Join(", ", replicaPorts.Select(p => $"\"{Address(p)}\""))}]
        replication_timer = 2
        try_timer = 1
        """;

    public static string ReplicaConfig(int listenPort, string persistence, string? secret = null,
        string queues = "\"q\", \"lag\"") => $"""
        queues = [{queues}]
        {QueueSettings}
        {persistence}
        [replication]
        mode = "replica"
        {Secret(secret)}
        [replication.replica]
        host = "{Address(listenPort)}"
        try_timer = 1
        """;

    /// <summary>The former replica's configuration after promotion: primary of its own (here, absent) replicas.</summary>
    public static string PromotedConfig(int replicaPort, string persistence) => PrimaryConfig([replicaPort], persistence);

    private static string Secret(string? secret) => secret is null ? "" : $"secret = \"{secret}\"";

    /// <summary>Polls <paramref name="condition"/> until it holds; fails with <paramref name="what"/> at the deadline.</summary>
    public static async Task WaitUntilAsync(Func<Task<bool>> condition, TimeSpan deadline, Func<string> what)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            if (await condition()) return;
            if (clock.Elapsed > deadline) Assert.Fail($"Not within {deadline.TotalSeconds} s: {what()}");
            await Task.Delay(20, Ct);
        }
    }

    public static Task WaitForLogAsync(ReplicationNode node, string text, TimeSpan deadline, int times = 1) =>
        WaitUntilAsync(() => Task.FromResult(Occurrences(node.Logs, text) >= times), deadline,
            () => $"{node.Name} did not log \"{text}\" {times} time(s); its log:\n{node.Logs}");

    public static int Occurrences(string text, string part)
    {
        var count = 0;
        for (var at = text.IndexOf(part, StringComparison.Ordinal); at >= 0; at = text.IndexOf(part, at + part.Length, StringComparison.Ordinal))
            count++;
        return count;
    }

    /// <summary>The primary's own view of one replica, from <c>/_/metrics</c>: connected, and how many committed events
    /// it has not acknowledged.</summary>
    public static async Task<(bool Connected, long LagEvents)> LinkAsync(ReplicationNode primary, int replicaPort)
    {
        var text = await primary.Http.GetStringAsync("/_/metrics", Ct);
        var label = Regex.Escape($"{{replica=\"{Address(replicaPort)}\"}}");
        var lag = Regex.Match(text, $@"^spartan_replication_lag_events{label} (\S+)$", RegexOptions.Multiline);
        var connected = Regex.Match(text, $@"^spartan_replication_connected{label} (\S+)$", RegexOptions.Multiline);
        if (!lag.Success || !connected.Success) return (false, long.MaxValue);
        return (double.Parse(connected.Groups[1].Value, CultureInfo.InvariantCulture) == 1,
            (long)double.Parse(lag.Groups[1].Value, CultureInfo.InvariantCulture));
    }

    /// <summary>Waits until the primary says the replica acknowledged every committed event, and the replica's stats
    /// of every queue equal the primary's.</summary>
    public static async Task WaitCaughtUpAsync(ReplicationNode primary, ReplicationNode replica, int replicaPort, TimeSpan deadline)
    {
        var last = "";
        await WaitUntilAsync(async () =>
        {
            var (connected, lag) = await LinkAsync(primary, replicaPort);
            var ours = (await primary.GetJsonAsync("/_/queues")).GetRawText();
            var theirs = (await replica.GetJsonAsync("/_/queues")).GetRawText();
            last = $"connected {connected}, lag {lag} events; primary {ours}; replica {theirs}";
            return connected && lag == 0 && StatsWithoutAges(ours) == StatsWithoutAges(theirs);
        }, deadline, () => $"{replica.Name} did not catch up with {primary.Name}: {last}\nprimary log:\n{primary.Logs}\nreplica log:\n{replica.Logs}");
    }

    /// <summary><c>oldest_visible_age_s</c> depends on when it is asked; everything else must match.</summary>
    private static string StatsWithoutAges(string json) => AgeField().Replace(json, "");

    [GeneratedRegex(@"""oldest_visible_age_s"":[^,}]*")]
    private static partial Regex AgeField();

    /// <summary>Compares the two folders through <c>spartan dump --json</c>: counts, every message of <c>q</c>, and —
    /// when <paramref name="events"/> — the event log itself (sequence, instant, queue, kind, id), which shows that
    /// nothing was skipped or applied twice.</summary>
    public static async Task AssertSameDumpsAsync(ReplicationNode primary, ReplicationNode replica, bool events = true)
    {
        var ours = await primary.DumpAsync("--queue", "q");
        var theirs = await replica.DumpAsync("--queue", "q");
        Assert.True(Lines(ours) > 0, $"{primary.Name} holds no message in q: nothing was compared");
        AssertSameLines("messages of q", ours, theirs);
        AssertSameLines("queue counts", await primary.DumpAsync(), await replica.DumpAsync());
        if (!events) return;
        var log = await primary.DumpAsync("--events");
        Assert.True(Lines(log) > 0, $"{primary.Name} holds no event: nothing was compared");
        AssertSameLines("event logs", log, await replica.DumpAsync("--events"));
    }

    public static int Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length;

    private static void AssertSameLines(string what, string expected, string actual)
    {
        if (expected == actual) return;
        var a = expected.Split('\n');
        var b = actual.Split('\n');
        var first = Enumerable.Range(0, Math.Min(a.Length, b.Length)).FirstOrDefault(i => a[i] != b[i], Math.Min(a.Length, b.Length));
        Assert.Fail($"The {what} differ: primary {Lines(expected)} lines, replica {Lines(actual)} lines; first difference at line {first + 1}:\n" +
                    $"primary: {(first < a.Length ? a[first] : "<end>")}\nreplica: {(first < b.Length ? b[first] : "<end>")}");
    }

    /// <summary>Pushes one message to the <c>lag</c> queue of the primary and waits until the replica serves it; fails at
    /// <paramref name="deadline"/>. How soon it arrives is a figure for <c>bench/</c> (the <c>replication</c> command),
    /// not for a test on a shared machine.</summary>
    public static async Task AssertMarkerArrivesAsync(ReplicationNode primary, ReplicationNode replica, TimeSpan deadline)
    {
        using var push = await primary.Http.PostAsync("/lag", new StringContent("""{"body":"marker"}"""), Ct);
        push.EnsureSuccessStatusCode();
        var id = (await push.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("id").GetString();
        await WaitUntilAsync(async () =>
        {
            using var get = await replica.Http.GetAsync($"/lag/messages/{id}", Ct);
            if (get.StatusCode == HttpStatusCode.OK) return true;
            Assert.Equal(HttpStatusCode.NotFound, get.StatusCode);
            return false;
        }, deadline, () => $"{replica.Name} does not serve the marker {id} the primary acknowledged; its log:\n{replica.Logs}");
    }
}

/// <summary>A mixed load of queue operations on a primary — single and batch pushes, pops, deletes and requeues —
/// counted in message operations (a batch of n counts n).</summary>
internal sealed class ReplicationLoad(HttpClient http, int seed)
{
    private int _operations;
    private int _requests;

    public int Operations => Volatile.Read(ref _operations);
    public int Requests => Volatile.Read(ref _requests);

    /// <summary>Runs <paramref name="clients"/> concurrent clients until <paramref name="operations"/> operations are
    /// acknowledged. With <paramref name="tolerateFailures"/>, a client stops quietly at the first transport error
    /// (the primary was killed); otherwise every answer must be a success.</summary>
    public async Task RunAsync(int operations, int clients = 4, bool tolerateFailures = false, CancellationToken ct = default)
    {
        var target = Operations + operations;
        await Task.WhenAll(Enumerable.Range(0, clients).Select(client => Task.Run(async () =>
        {
            var random = new Random(seed * 1000 + client);
            var held = new List<string>(); // reserved by this client, deleted later in a batch
            try
            {
                while (Operations < target && !ct.IsCancellationRequested) await StepAsync(random, held, client, ct);
            }
            catch (Exception e) when (tolerateFailures && e is HttpRequestException or IOException or TaskCanceledException)
            {
                // The primary is gone.
            }
        }, ct)));
    }

    private async Task StepAsync(Random random, List<string> held, int client, CancellationToken ct)
    {
        var roll = random.Next(100);
        if (roll < 22)
        {
            var body = $$"""{"body":"single {{client}}-{{Requests}}","priority":{{random.Next(3)}}}""";
            using var push = await SendAsync(HttpMethod.Post, "/q", body, ct);
            Count(1);
        }
        else if (roll < 40)
        {
            var n = random.Next(5, 40);
            var messages = Enumerable.Range(0, n).Select(j =>
                $$"""{"body":"batch {{client}}-{{Requests}}-{{j}}","priority":{{j % 4}},"attributes":{"j":"{{j}}"}{{(j % 9 == 0 ? ",\"delay\":3600" : "")}}}""");
            using var push = await SendAsync(HttpMethod.Post, "/q/batch", $$"""{"messages":[{{string.Join(',', messages)}}]}""", ct);
            Count(n);
        }
        else if (roll < 62)
        {
            using var pop = await http.GetAsync("/q", ct);
            Interlocked.Increment(ref _requests);
            if (pop.StatusCode == HttpStatusCode.NotFound) return;
            pop.EnsureSuccessStatusCode();
            var message = await pop.Content.ReadFromJsonAsync<JsonElement>(ct);
            Count(1);
            await SettleAsync(random, message, held, ct);
        }
        else if (roll < 80)
        {
            using var pop = await http.GetAsync($"/q/batch?count={random.Next(2, 25)}", ct);
            Interlocked.Increment(ref _requests);
            pop.EnsureSuccessStatusCode();
            var messages = (await pop.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("messages").EnumerateArray().ToList();
            Count(messages.Count);
            foreach (var message in messages) await SettleAsync(random, message, held, ct);
        }
        else if (held.Count > 0)
        {
            var ids = held.Take(100).ToList();
            held.RemoveRange(0, ids.Count);
            using var delete = await SendAsync(HttpMethod.Delete, "/q/batch", $$"""{"ids":[{{string.Join(',', ids.Select(i => $"\"{i}\""))}}]}""", ct);
            var result = await delete.Content.ReadFromJsonAsync<JsonElement>(ct);
            Assert.Equal(0, result.GetProperty("not_found").GetArrayLength());
            Count(ids.Count);
        }
    }

    /// <summary>Deletes (single, with its receipt or not), requeues, or holds a reserved message.</summary>
    private async Task SettleAsync(Random random, JsonElement message, List<string> held, CancellationToken ct)
    {
        var id = message.GetProperty("id").GetString()!;
        var receipt = message.GetProperty("receipt").GetString();
        switch (random.Next(10))
        {
            case < 3:
                using (await SendAsync(HttpMethod.Delete, "/q", random.Next(2) == 0
                           ? $$"""{"id":"{{id}}","receipt":"{{receipt}}"}"""
                           : $$"""{"id":"{{id}}"}""", ct))
                    Count(1);
                break;
            case < 6:
                using (await SendAsync(HttpMethod.Post, "/q/requeue", $$"""{"id":"{{id}}"}""", ct))
                    Count(1);
                break;
            default:
                held.Add(id);
                break;
        }
    }

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string json, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(method, path) { Content = new StringContent(json) };
        var response = await http.SendAsync(request, ct);
        Interlocked.Increment(ref _requests);
        if (!response.IsSuccessStatusCode)
        {
            var problem = await response.Content.ReadAsStringAsync(ct);
            response.Dispose();
            Assert.Fail($"{method} {path} answered {(int)response.StatusCode}: {problem}");
        }

        return response;
    }

    private void Count(int n) => Interlocked.Add(ref _operations, n);
}

/// <summary>A primary and a replica in log mode, both started: the replica first, so the primary's configuration names
/// the port it bound.</summary>
internal sealed class ReplicationPair : IAsyncDisposable
{
    private ReplicationPair(ReplicationNode primary, ReplicationNode replica) => (Primary, Replica) = (primary, replica);

    public ReplicationNode Primary { get; }
    public ReplicationNode Replica { get; }

    /// <summary>The replica's replication port, as its primary knows it.</summary>
    public int ReplicaPort { get; private set; }

    /// <param name="replicaPort"><see cref="ReplicationHelpers.AnyPort"/>, or the port of a <see cref="ReservedPort"/>
    /// the test holds because it restarts the replica.</param>
    public static async Task<ReplicationPair> StartLogAsync(int replicaPort)
    {
        var pair = new ReplicationPair(new ReplicationNode("primary"), new ReplicationNode("replica"));
        try
        {
            pair.Replica.WriteConfig(ReplicationHelpers.ReplicaConfig(replicaPort, ReplicationHelpers.Persistence("log")));
            await pair.Replica.StartAsync("replica");
            pair.ReplicaPort = pair.Replica.ReplicationPort;
            pair.Primary.WriteConfig(ReplicationHelpers.PrimaryConfig([pair.ReplicaPort], ReplicationHelpers.Persistence("log")));
            await pair.Primary.StartAsync("start");
            return pair;
        }
        catch
        {
            await pair.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Primary.DisposeAsync();
        await Replica.DisposeAsync();
    }
}
