using System.Diagnostics;
using System.Net.Http.Json;
using System.Net;
using System.Text.Json;

namespace Spartan.EndToEnd.Tests;

/// <summary>Packaging: <c>dotnet publish src/Api -c Release -r linux-x64</c> gives one self-contained file that runs
/// where no .NET is installed, and <c>dotnet pack</c> gives a .NET tool that installs and runs.</summary>
[Collection(PackagingCollection.Name)]
public sealed class PackagingTests
{
    private const int SigTerm = 15;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_published_single_file_runs_without_a_dotnet_installation()
    {
        using var folder = new TempFolder();
        var output = folder.File("dist");
        await DotnetAsync("publish", Path.Combine(Repository.Root, "src", "Api"), "-c", "Release", "-r", "linux-x64",
            "-o", output, "--artifacts-path", folder.File("artifacts"));

        Assert.Equal(["spartan"], Directory.GetFiles(output).Select(Path.GetFileName).ToArray());
        var work = Directory.CreateDirectory(folder.File("work")).FullName;
        File.WriteAllText(Path.Combine(work, "Spartan.toml"), "queues = [\"q\"]\n");
        // No DOTNET_ROOT, no dotnet on PATH, no HOME: nothing but the file itself.
        var bare = new Dictionary<string, string> { ["PATH"] = "/nonexistent", ["TMPDIR"] = folder.Path };
        await using var server = SpartanProcess.StartBinary(Path.Combine(output, "spartan"), work, bare, "start", "--host", "127.0.0.1:0");
        using var http = new HttpClient { BaseAddress = await server.ListeningAsync() };
        Assert.Equal(HttpStatusCode.OK, (await http.PostAsync("/q", new StringContent("""{"body":"packed"}"""), Ct)).StatusCode);
        Assert.Equal("packed", (await http.GetFromJsonAsync<JsonElement>("/q", Ct)).GetProperty("body").GetString());
        server.Signal(SigTerm);
        Assert.Equal(0, await server.WaitForExitAsync());
    }

    [Fact]
    public async Task The_packed_tool_installs_and_runs()
    {
        using var folder = new TempFolder();
        var packages = folder.File("packages");
        var tools = folder.File("tools");
        await DotnetAsync("pack", Path.Combine(Repository.Root, "src", "Api"), "-c", "Release", "-o", packages,
            "--artifacts-path", folder.File("artifacts"));
        await DotnetAsync("tool", "install", "--tool-path", tools, "--add-source", packages, "spartan");

        var (code, run) = await WaitAsync(SpartanProcess.StartBinary(Path.Combine(tools, "spartan"), folder.Path, null, "--version"));
        Assert.Equal(0, code);
        Assert.StartsWith("0.", run, StringComparison.Ordinal);
    }

    private static async Task<(int, string)> WaitAsync(SpartanProcess process)
    {
        await using (process)
            return (await process.WaitForExitAsync(), process.Stdout);
    }

    private static async Task DotnetAsync(params string[] args)
    {
        var dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";
        var info = new ProcessStartInfo(dotnet) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args) info.ArgumentList.Add(arg);
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync(Ct);
        var stderr = process.StandardError.ReadToEndAsync(Ct);
        await process.WaitForExitAsync(Ct).WaitAsync(TimeSpan.FromMinutes(5), Ct);
        Assert.True(process.ExitCode == 0, $"dotnet {string.Join(' ', args)} failed: {await stdout}{await stderr}");
    }
}
