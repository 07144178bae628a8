namespace Spartan.EndToEnd.Tests;

/// <summary>The operations files shipped in <c>deploy/</c> hold: the Prometheus alert rules pass <c>promtool check
/// rules</c> and their unit tests, and a real node's <c>/_/metrics</c> passes <c>promtool check metrics</c>. promtool
/// comes from Debian's <c>prometheus</c> package, which <c>.ci/run</c> installs.</summary>
public sealed class OperationsFilesTests
{
    private const int SigTerm = 15;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string Rules => Path.Combine(Repository.Root, "deploy", "prometheus");

    [Fact]
    public async Task The_alert_rules_are_valid_and_fire_as_their_tests_say()
    {
        var (checkCode, check) = await PromtoolAsync(null, "check", "rules", Path.Combine(Rules, "spartan-alerts.yml"));
        Assert.True(checkCode == 0, check);
        var (testCode, test) = await PromtoolAsync(null, "test", "rules", Path.Combine(Rules, "spartan-alerts.test.yml"));
        Assert.True(testCode == 0, test);
    }

    [Fact]
    public async Task Every_metric_the_rules_name_is_exported_and_the_exposition_passes_promtool()
    {
        using var folder = new TempFolder();
        File.WriteAllText(folder.File("Spartan.toml"), "queues = [\"q\"]\n");
        await using var server = SpartanProcess.Start(folder.Path, "start", "--host", "127.0.0.1:0");
        using var http = new HttpClient { BaseAddress = await server.ListeningAsync() };
        await http.PostAsync("/q", new StringContent("""{"body":"x"}"""), Ct);
        var metrics = await http.GetStringAsync("/_/metrics", Ct);
        server.Signal(SigTerm);
        await server.WaitForExitAsync();

        var (code, output) = await PromtoolAsync(metrics, "check", "metrics");
        Assert.True(code == 0, output);
        // Replication series exist only on nodes that replicate; the rest must be on every node.
        foreach (var name in new[] { "spartan_storage_writable", "spartan_queue_oldest_visible_age_seconds", "spartan_dead_lettered_total",
                     "spartan_http_requests_total", "spartan_store_write_seconds_bucket" })
            Assert.Contains(name, metrics, StringComparison.Ordinal);
        Assert.Contains("spartan_storage_writable", File.ReadAllText(Path.Combine(Rules, "spartan-alerts.yml")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_systemd_unit_passes_systemd_analyze()
    {
        using var folder = new TempFolder();
        // The unit names the installed binary; verify it against the built one, everything else as shipped.
        var unit = File.ReadAllText(Path.Combine(Repository.Root, "deploy", "systemd", "spartan.service"))
            .Replace("/usr/local/bin/spartan", SpartanProcess.Binary, StringComparison.Ordinal);
        var path = folder.File("spartan.service");
        File.WriteAllText(path, unit);

        var (code, output) = await RunAsync("systemd-analyze", null, "verify", path);

        Assert.True(code == 0 && output.Trim().Length == 0, $"systemd-analyze verify: {output}");
    }

    private const string Installs = "to check the shipped operations files; .ci/run installs it (Debian's prometheus and systemd packages)";

    private static Task<(int, string)> PromtoolAsync(string? input, params string[] args) => RunAsync("promtool", input, args);

    private static Task<(int, string)> RunAsync(string tool, string? input, params string[] args) =>
        Tools.RunAsync(tool, Installs, input, args: args);
}
