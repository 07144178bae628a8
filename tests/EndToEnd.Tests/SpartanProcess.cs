using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;
using System.Text;

namespace Spartan.EndToEnd.Tests;

/// <summary>The real <c>spartan</c> binary run as a child process; every instance is killed on dispose.</summary>
internal sealed partial class SpartanProcess : IAsyncDisposable
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);
    private readonly Process _process;
    private readonly StringBuilder _stdout = new();
    private readonly StringBuilder _stderr = new();
    private readonly TaskCompletionSource<Uri> _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private SpartanProcess(Process process)
    {
        _process = process;
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is not null) lock (_stdout) _stdout.AppendLine(e.Data);
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is null) return;
            lock (_stderr) _stderr.AppendLine(e.Data);
            if (ListeningLine().Match(e.Data) is { Success: true } m) _listening.TrySetResult(new Uri(m.Groups[1].Value));
        };
    }

    public string Stdout { get { lock (_stdout) return _stdout.ToString(); } }
    public string Stderr { get { lock (_stderr) return _stderr.ToString(); } }
    public int Pid => _process.Id;

    /// <summary>The built binary: the apphost next to the referenced spartan.dll.</summary>
    public static string Binary { get; } = Path.Combine(AppContext.BaseDirectory, "spartan");

    public static SpartanProcess Start(string workingDirectory, params string[] args) =>
        StartBinary(Binary, workingDirectory, null, args);

    /// <summary>Starts <paramref name="binary"/>; with <paramref name="environment"/>, that and nothing else is its
    /// environment (as on a machine without .NET).</summary>
    public static SpartanProcess StartBinary(string binary, string workingDirectory, IReadOnlyDictionary<string, string>? environment,
        params string[] args)
    {
        var info = new ProcessStartInfo(binary)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in args) info.ArgumentList.Add(arg);
        info.Environment.Remove("LOG_LEVEL");
        if (environment is not null)
        {
            info.Environment.Clear();
            foreach (var (name, value) in environment) info.Environment[name] = value;
        }

        var process = Process.Start(info) ?? throw new InvalidOperationException("spartan did not start");
        var wrapper = new SpartanProcess(process);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return wrapper;
    }

    /// <summary>Runs a command to its end and returns its exit code.</summary>
    public static async Task<(int Code, SpartanProcess Process)> RunAsync(string workingDirectory, params string[] args)
    {
        var process = Start(workingDirectory, args);
        return (await process.WaitForExitAsync(), process);
    }

    /// <summary>Waits for the startup line and returns the address the server listens on.</summary>
    public async Task<Uri> ListeningAsync()
    {
        var exited = _process.WaitForExitAsync(TestContext.Current.CancellationToken);
        var first = await Task.WhenAny(_listening.Task, exited).WaitAsync(Deadline, TestContext.Current.CancellationToken);
        if (first != _listening.Task) throw new InvalidOperationException($"spartan exited with {_process.ExitCode}: {Stderr}");
        return await _listening.Task;
    }

    public void Signal(int signal)
    {
        if (Kill(_process.Id, signal) != 0) throw new InvalidOperationException($"kill({signal}) failed");
    }

    public async Task<int> WaitForExitAsync()
    {
        await _process.WaitForExitAsync(TestContext.Current.CancellationToken).WaitAsync(Deadline, TestContext.Current.CancellationToken);
        _process.WaitForExit(); // drains the redirected streams
        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);

    [GeneratedRegex(@"listening on (https?://\S+)")]
    private static partial Regex ListeningLine();
}

/// <summary>A fresh folder under the temp path, deleted on dispose.</summary>
internal sealed class TempFolder : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("spartan-e2e-").FullName;

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); }
        catch (IOException) { }
    }
}
