using System.Diagnostics;

namespace Spartan.EndToEnd.Tests;

/// <summary>Runs an outside tool (promtool, systemd-analyze, node, npm) to its end, bounded; a missing tool fails the test
/// with what installs it, never a silent pass.</summary>
internal static class Tools
{
    public static async Task<(int Code, string Output)> RunAsync(string tool, string needFor, string? input = null,
        string? workingDirectory = null, TimeSpan? timeout = null, params string[] args)
    {
        var ct = TestContext.Current.CancellationToken;
        var info = new ProcessStartInfo(tool)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = input is not null,
            WorkingDirectory = workingDirectory ?? "",
        };
        foreach (var arg in args) info.ArgumentList.Add(arg);
        Process process;
        try
        {
            process = Process.Start(info)!;
        }
        catch (System.ComponentModel.Win32Exception missing)
        {
            Assert.Fail($"{tool} is needed {needFor}: {missing.Message}");
            throw;
        }

        using (process)
        {
            if (input is not null)
            {
                await process.StandardInput.WriteAsync(input);
                process.StandardInput.Close();
            }

            var stdout = process.StandardOutput.ReadToEndAsync(ct);
            var stderr = process.StandardError.ReadToEndAsync(ct);
            try
            {
                await process.WaitForExitAsync(ct).WaitAsync(timeout ?? TimeSpan.FromMinutes(1), ct);
            }
            catch (TimeoutException)
            {
                process.Kill(entireProcessTree: true);
                throw;
            }

            return (process.ExitCode, await stdout + await stderr);
        }
    }
}
