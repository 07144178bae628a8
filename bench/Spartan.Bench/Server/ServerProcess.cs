using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Spartan.Bench.Server;

/// <summary>A real <c>spartan</c> binary (by default the apphost copied next to the bench; for an A/B run, another build's)
/// serving one folder on a free loopback port. Every instance is SIGKILLed if the bench ends without stopping it.</summary>
internal sealed partial class ServerProcess : IAsyncDisposable
{
    private const int LogTailLines = 200;
    private static readonly ConcurrentDictionary<int, Process> Live = new();
    private readonly Process _process;
    private readonly long _started;
    private readonly Queue<string> _log = new();
    private readonly TaskCompletionSource<Uri> _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<int> _replicationPort = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _listeningAt;
    private double _cpuAtListening;

    private ServerProcess(Process process, long started)
    {
        _process = process;
        _started = started;
        Pid = process.Id;
    }

    public static string Binary { get; } = Path.Combine(AppContext.BaseDirectory, "spartan");

    public int Pid { get; }

    /// <summary>From just before the process was spawned to the moment its "listening on" line was read.</summary>
    public TimeSpan StartToListening => Stopwatch.GetElapsedTime(_started, _listeningAt);

    /// <summary>CPU seconds the server had used when its "listening on" line was read (startup and recovery).</summary>
    public double CpuAtListening => _cpuAtListening;

    public bool HasExited => _process.HasExited;

    /// <summary>Spawns <c><paramref name="binary"/> <paramref name="command"/> --host 127.0.0.1:0</c> (<c>start</c> or
    /// <c>replica</c>) in <paramref name="folder"/> and waits for its HTTP address.</summary>
    public static async Task<(ServerProcess Server, Uri Address)> StartAsync(
        string binary, string folder, string command, TimeSpan deadline, CancellationToken ct, string host = "127.0.0.1:0")
    {
        if (!File.Exists(binary)) throw new InvalidOperationException($"{binary} is missing: build it (the bench references src/Api)");
        var info = new ProcessStartInfo(binary)
        {
            WorkingDirectory = folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { command, "--host", host }) info.ArgumentList.Add(arg);
        info.Environment.Remove("LOG_LEVEL");

        var started = Stopwatch.GetTimestamp();
        var process = Process.Start(info) ?? throw new InvalidOperationException("spartan did not start");
        var server = new ServerProcess(process, started);
        Live[server.Pid] = process;
        process.OutputDataReceived += (_, e) => server.OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => server.OnLine(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var exited = process.WaitForExitAsync(ct);
        var first = await Task.WhenAny(server._listening.Task, exited, Task.Delay(deadline, ct));
        if (first == server._listening.Task) return (server, await server._listening.Task);

        var why = first == exited ? $"exited with code {process.ExitCode}" : $"did not print \"listening on\" within {deadline.TotalSeconds:0} s";
        await server.DisposeAsync();
        throw new InvalidOperationException($"spartan in {folder} {why}:\n{string.Join('\n', server.LogTail(20))}");
    }

    private void OnLine(string? line)
    {
        if (line is null) return;
        if (!_listening.Task.IsCompleted && ListeningLine().Match(line) is { Success: true } match)
        {
            _listeningAt = Stopwatch.GetTimestamp();
            _cpuAtListening = ProcFs.CpuSeconds(Pid) ?? 0;
            _listening.TrySetResult(new Uri(match.Groups[1].Value.TrimEnd(',', ';')));
        }

        if (!_replicationPort.Task.IsCompleted && ReplicationLine().Match(line) is { Success: true } replication)
            _replicationPort.TrySetResult(int.Parse(replication.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture));

        lock (_log)
        {
            _log.Enqueue(line);
            if (_log.Count > LogTailLines) _log.Dequeue();
        }
    }

    /// <summary>A replica's replication port, from its "Listening for the primary's replication stream on host:port" line
    /// (its configuration says port 0, so the system picked it).</summary>
    public async Task<int> ReplicationPortAsync(TimeSpan deadline, CancellationToken ct)
    {
        try
        {
            return await _replicationPort.Task.WaitAsync(deadline, ct);
        }
        catch (TimeoutException)
        {
            throw new InvalidOperationException($"spartan {Pid} did not say where it listens for its primary:\n{string.Join('\n', LogTail(20))}");
        }
    }

    /// <summary>The last <paramref name="count"/> lines the server wrote (stdout and stderr).</summary>
    public IReadOnlyList<string> LogTail(int count = LogTailLines)
    {
        lock (_log) return [.. _log.TakeLast(count)];
    }

    /// <summary>SIGTERM, then SIGKILL when it has not exited within <paramref name="grace"/>. Returns how long it took
    /// and whether SIGKILL was needed.</summary>
    public async Task<(TimeSpan Elapsed, bool Killed, int ExitCode)> StopAsync(TimeSpan grace)
    {
        var start = Stopwatch.GetTimestamp();
        var killed = false;
        if (!_process.HasExited)
        {
            Native.Signal(Pid, Native.SigTerm);
            if (!await ExitedWithinAsync(grace))
            {
                killed = true;
                await KillAsync();
            }
        }

        var elapsed = Stopwatch.GetElapsedTime(start);
        return (elapsed, killed, _process.ExitCode);
    }

    /// <summary>SIGKILL (a crash, as far as the server can tell) and wait for it to be gone.</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited) Native.Signal(Pid, Native.SigKill);
        if (!await ExitedWithinAsync(TimeSpan.FromSeconds(30)))
            throw new InvalidOperationException($"spartan {Pid} survived SIGKILL for 30 s");
        Live.TryRemove(Pid, out _);
    }

    private async Task<bool> ExitedWithinAsync(TimeSpan limit)
    {
        using var timeout = new CancellationTokenSource(limit);
        try
        {
            await _process.WaitForExitAsync(timeout.Token);
            _process.WaitForExit(); // drains the redirected streams
            Live.TryRemove(Pid, out _);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>Last resort (bench ending on an error, a signal or its watchdog): SIGKILL every server still running.</summary>
    public static void KillAll()
    {
        foreach (var (pid, process) in Live)
        {
            try
            {
                if (!process.HasExited) Native.Signal(pid, Native.SigKill);
            }
            catch (InvalidOperationException) { }

            Live.TryRemove(pid, out _);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited) await KillAsync();
        Live.TryRemove(Pid, out _);
        _process.Dispose();
    }

    [GeneratedRegex(@"listening on (http://\S+)")]
    private static partial Regex ListeningLine();

    [GeneratedRegex(@"Listening for the primary's replication stream on \S+:(\d+)")]
    private static partial Regex ReplicationLine();
}
