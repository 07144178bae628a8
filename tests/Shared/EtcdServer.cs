using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Spartan.Tests.Shared;

/// <summary>A real single-node <c>etcd</c> (Debian's <c>etcd-server</c>) on loopback, in a temp data folder, for the
/// cluster tests: it can be killed (SIGKILL), restarted on the same ports and data, paused (SIGSTOP) and resumed.
/// Disposing kills it by its PID, waits for it, and deletes the folder.</summary>
/// <remarks>
/// Its client and peer ports are <see cref="ReservedPort"/>s held for the server's whole life, so a restart binds the
/// same numbers and nobody can take them while etcd is down (etcd is Go, whose listeners set <c>SO_REUSEADDR</c>, so it
/// binds a port such a socket holds without listening). No port is ever picked, released and reused.
/// </remarks>
internal sealed class EtcdServer : IAsyncDisposable
{
    /// <summary>Where Debian's <c>etcd-server</c> installs the binary.</summary>
    public const string DefaultBinary = "/usr/bin/etcd";

    /// <summary>What the tests say when the binary is missing: they fail, they do not skip.</summary>
    public const string NotFound = "etcd not found: install Debian's etcd-server (apt-get install -y etcd-server)";

    private const int LogLines = 400;
    private const int SigStop = 19; // Linux x86-64 and arm64
    private const int SigCont = 18;

    private static readonly TimeSpan ReadyWithin = TimeSpan.FromSeconds(20);
    private static readonly TimeSpan ExitWithin = TimeSpan.FromSeconds(10);

    private readonly string _binary;
    private readonly ReservedPort _clientPort;
    private readonly ReservedPort _peerPort;
    private readonly string _folder;
    private readonly Queue<string> _log = new();
    private Process? _process;

    private EtcdServer(string binary, ReservedPort clientPort, ReservedPort peerPort, string folder)
    {
        _binary = binary;
        _clientPort = clientPort;
        _peerPort = peerPort;
        _folder = folder;
    }

    /// <summary>Where clients reach it: <c>http://127.0.0.1:PORT</c>, the same across restarts.</summary>
    public string ClientUrl => $"http://127.0.0.1:{_clientPort.Port}";

    private string PeerUrl => $"http://127.0.0.1:{_peerPort.Port}";

    /// <summary>The running process's id; throws while it is stopped.</summary>
    public int Pid => _process is { HasExited: false } p ? p.Id : throw new InvalidOperationException("etcd is not running");

    /// <summary>The last lines etcd wrote (its zap JSON log), for failure messages.</summary>
    public string Log
    {
        get { lock (_log) return string.Join('\n', _log); }
    }

    /// <summary>Starts etcd and waits (at most 20 s) until it answers <c>/health</c> with a leader.</summary>
    /// <exception cref="FileNotFoundException">The binary is not at <paramref name="binary"/>: the message says how to
    /// install it.</exception>
    public static async Task<EtcdServer> StartAsync(string binary = DefaultBinary, CancellationToken cancellationToken = default)
    {
        if (!File.Exists(binary)) throw new FileNotFoundException($"{NotFound}; looked for {binary}", binary);

        var clientPort = new ReservedPort();
        var peerPort = new ReservedPort();
        var folder = Directory.CreateTempSubdirectory("spartan-etcd-").FullName;
        var server = new EtcdServer(binary, clientPort, peerPort, folder);
        try
        {
            await server.RestartAsync(cancellationToken);
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    /// <summary>Starts etcd again on the same ports and data folder (after <see cref="KillAsync"/>) and waits until it
    /// is healthy.</summary>
    public async Task RestartAsync(CancellationToken cancellationToken = default)
    {
        if (_process is { HasExited: false }) throw new InvalidOperationException("etcd is already running");
        _process?.Dispose();
        _process = null;

        var info = new ProcessStartInfo(_binary)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = _folder,
        };
        // Flags only: an ETCD_* variable in the test's environment would otherwise configure this server too.
        foreach (var name in info.Environment.Keys.Where(k => k.StartsWith("ETCD_", StringComparison.Ordinal)).ToList())
            info.Environment.Remove(name);
        foreach (var arg in Arguments()) info.ArgumentList.Add(arg);

        var process = new Process { StartInfo = info };
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.Start();
        _process = process;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        await WaitHealthyAsync(process, cancellationToken);
    }

    /// <summary>Kills etcd with SIGKILL (as a crash or a power cut of its machine would stop it) and waits for it to
    /// be gone; its ports stay reserved and its data stays for <see cref="RestartAsync"/>.</summary>
    public async Task KillAsync()
    {
        if (_process is not { } process || process.HasExited) return;
        process.Kill(); // SIGKILL on Unix, to this PID only
        using var bound = new CancellationTokenSource(ExitWithin);
        try { await process.WaitForExitAsync(bound.Token); }
        catch (OperationCanceledException) { throw new TimeoutException($"etcd (pid {process.Id}) did not exit within {ExitWithin} of SIGKILL"); }
    }

    /// <summary>Freezes etcd with SIGSTOP: its sockets stay open and its ports bound, but it answers nothing. Returns
    /// once every one of its threads is stopped (kill(2) returns before they are, and a thread still running could
    /// answer a request sent right after).</summary>
    public void Pause()
    {
        Signal(SigStop);
        WaitThreads(stopped: true);
    }

    /// <summary>Lets a paused etcd go on (SIGCONT), once every thread runs again.</summary>
    public void Resume()
    {
        Signal(SigCont);
        WaitThreads(stopped: false);
    }

    public async ValueTask DisposeAsync()
    {
        try { await KillAsync(); }
        finally
        {
            _process?.Dispose();
            _clientPort.Dispose();
            _peerPort.Dispose();
            try { Directory.Delete(_folder, recursive: true); }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
        }
    }

    private string[] Arguments() =>
        [
            "--name", "spartan-test",
            "--data-dir", Path.Combine(_folder, "data"),
            "--listen-client-urls", ClientUrl,
            "--advertise-client-urls", ClientUrl,
            "--listen-peer-urls", PeerUrl,
            "--initial-advertise-peer-urls", PeerUrl,
            "--initial-cluster", $"spartan-test={PeerUrl}",
            "--initial-cluster-state", "new", // ignored on a restart: the data folder already names the cluster
            "--logger", "zap",
            "--log-outputs", "stderr",
            // A single member elects itself after one election timeout; a short one makes starts and restarts quick.
            // etcd's shortest lease is 1.5 election timeouts, so 500 ms still lets the tests' 2 s leases through as asked.
            "--heartbeat-interval", "50",
            "--election-timeout", "500",
        ];

    private async Task WaitHealthyAsync(Process process, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(1) };
        var clock = Stopwatch.StartNew();
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (process.HasExited)
                throw new InvalidOperationException($"etcd exited with {process.ExitCode} while starting:\n{Log}");
            try
            {
                // 3.4 answers {"health":"true"} once the member has a leader and no alarm.
                var body = await http.GetStringAsync(new Uri($"{ClientUrl}/health"), cancellationToken);
                if (body.Contains("\"health\":\"true\"", StringComparison.Ordinal)) return;
            }
            catch (HttpRequestException) { }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested) { }

            if (clock.Elapsed > ReadyWithin)
                throw new TimeoutException($"etcd at {ClientUrl} was not healthy within {ReadyWithin}:\n{Log}");
            await Task.Delay(50, cancellationToken);
        }
    }

    private void Append(string? line)
    {
        if (line is null) return;
        lock (_log)
        {
            _log.Enqueue(line);
            while (_log.Count > LogLines) _log.Dequeue();
        }
    }

    private void Signal(int signal)
    {
        if (Kill(Pid, signal) != 0)
            throw new InvalidOperationException($"kill({Pid}, {signal}) failed: errno {Marshal.GetLastPInvokeError()}");
    }

    /// <summary>Polls the state letter of each of etcd's threads in /proc until all are (or none is) 'T', stopped by a
    /// signal; bounded.</summary>
    private void WaitThreads(bool stopped)
    {
        var pid = Pid;
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var states = Directory.GetDirectories($"/proc/{pid}/task").Select(ThreadState).ToList();
            if (states.All(state => state == '-' || (state == 'T') == stopped)) return;
            if (clock.Elapsed > ExitWithin)
                throw new TimeoutException($"etcd's threads are not all {(stopped ? "stopped" : "running")}: {string.Concat(states)}");
            Thread.Sleep(5);
        }
    }

    // The field after the parenthesised command name in /proc/<pid>/task/<tid>/stat; a thread that ended meanwhile
    // counts as matching either way.
    private static char ThreadState(string task)
    {
        try
        {
            var stat = File.ReadAllText(Path.Combine(task, "stat"));
            return stat[stat.LastIndexOf(')') + 2];
        }
        catch (IOException)
        {
            return '-';
        }
    }

    // Blittable arguments only, so a plain DllImport: no generated marshalling, no unsafe code in the projects that
    // compile this file.
    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);
}
