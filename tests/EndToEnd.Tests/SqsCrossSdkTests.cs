using System.Net.Http.Headers;

namespace Spartan.EndToEnd.Tests;

/// <summary>A second AWS SDK, in another language, against the real binary (SPEC §11): aws-sdk-js v3 signs its own way,
/// checks its own digests and posts to the queue URLs the server hands out (<c>useQueueUrlAsEndpoint</c>).</summary>
public sealed class SqsCrossSdkTests
{
    /// <summary>The aws-sdk-js package the script runs on, pinned so a new release cannot change what is tested.</summary>
    public const string Package = "@aws-sdk/client-sqs@3.1175.0";

    private const int SigTerm = 15;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_javascript_sdk_sends_receives_batches_and_reads_attributes_signed_with_a_key()
    {
        var modules = await SdkFolderAsync();
        var script = Path.Combine(modules, "cross-sdk.cjs");
        File.Copy(Path.Combine(AppContext.BaseDirectory, "Sqs", "cross-sdk.cjs"), script, overwrite: true);

        using var folder = new TempFolder();
        File.WriteAllText(folder.File("Spartan.toml"), """
            queues = ["q"]
            [[access_keys]]
            key = "js-secret-0001"
            id = "AKIDJS"
            queues = ["*"]
            """);
        await using var server = SpartanProcess.Start(folder.Path, "start", "--host", "127.0.0.1:0");
        var address = await server.ListeningAsync();

        var (code, output) = await Tools.RunAsync("node", "for the cross-SDK test; .ci/run installs Debian's nodejs and npm", null,
            modules, TimeSpan.FromMinutes(2), script, address.ToString().TrimEnd('/'), "AKIDJS", "js-secret-0001");

        Assert.True(code == 0, $"node cross-sdk.cjs exited {code}:\n{output}\nserver:\n{server.Stderr}");
        Assert.Contains("ok done", output, StringComparison.Ordinal);
        // What the script left behind, seen through the native API with the same key.
        using var http = new HttpClient { BaseAddress = address };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "js-secret-0001");
        Assert.Equal("""{"size":1}""", await http.GetStringAsync("/js-jobs/size", Ct));
        server.Signal(SigTerm);
        await server.WaitForExitAsync();
    }

    /// <summary>A folder holding the pinned aws-sdk-js: the one <c>.ci/run</c> installed (SPARTAN_AWS_SDK_JS), or one this
    /// test installs with npm into the temp folder once.</summary>
    private static async Task<string> SdkFolderAsync()
    {
        if (Environment.GetEnvironmentVariable("SPARTAN_AWS_SDK_JS") is { Length: > 0 } given)
            return given;
        var folder = Path.Combine(Path.GetTempPath(), "spartan-aws-sdk-js-" + Package.Split('@')[^1]);
        if (File.Exists(Path.Combine(folder, "node_modules", "@aws-sdk", "client-sqs", "package.json"))) return folder;
        Directory.CreateDirectory(folder);
        var (code, output) = await Tools.RunAsync("npm", "to install aws-sdk-js for the cross-SDK test; .ci/run installs Debian's nodejs and npm",
            null, folder, TimeSpan.FromMinutes(5), "install", "--no-audit", "--no-fund", "--prefix", folder, Package);
        Assert.True(code == 0, $"npm install {Package} failed ({code}):\n{output}");
        return folder;
    }
}
