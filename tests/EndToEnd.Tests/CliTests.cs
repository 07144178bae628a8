using System.Net.Http.Json;
using System.Net.Sockets;
using System.Net;
using System.Text.Json;

namespace Spartan.EndToEnd.Tests;

/// <summary>The built <c>spartan</c> binary: init, start, serve, stop on a signal, and the exit codes of SPEC §5.</summary>
public sealed class CliTests
{
    private const int SigInt = 2;
    private const int SigTerm = 15;
    private const int SigQuit = 3;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Init_then_start_serves_push_pop_delete_and_sigterm_stops_with_exit_code_0()
    {
        using var folder = new TempFolder();
        var (initCode, init) = await SpartanProcess.RunAsync(folder.Path, "init");
        Assert.Equal(0, initCode);
        Assert.True(File.Exists(folder.File("Spartan.toml")), init.Stderr);
        Assert.True(Directory.Exists(folder.File("db")));
        // The template keeps [persistence] commented out, and init says so rather than suggest db/ is in use.
        Assert.Contains("Messages are kept in memory only", init.Stdout, StringComparison.Ordinal);

        await using var server = SpartanProcess.Start(folder.Path, "start", "--host", "127.0.0.1:0");
        using var http = new HttpClient { BaseAddress = await server.ListeningAsync() };
        Assert.Contains("queues: default, default-dead", server.Stderr);

        var pushed = await http.PostAsync("/default", new StringContent("""{"body":"end to end"}"""), Ct);
        Assert.Equal(HttpStatusCode.OK, pushed.StatusCode);
        var id = (await pushed.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("id").GetString();
        var popped = await http.GetFromJsonAsync<JsonElement>("/default", Ct);
        Assert.Equal(id, popped.GetProperty("id").GetString());
        Assert.Equal("end to end", popped.GetProperty("body").GetString());
        using var delete = new HttpRequestMessage(HttpMethod.Delete, "/default") { Content = new StringContent($$"""{"id":"{{id}}"}""") };
        Assert.Equal(HttpStatusCode.OK, (await http.SendAsync(delete, Ct)).StatusCode);
        Assert.Equal(0, (await http.GetFromJsonAsync<JsonElement>("/default/size", Ct)).GetProperty("size").GetInt32());

        server.Signal(SigTerm);
        Assert.Equal(0, await server.WaitForExitAsync());
        Assert.DoesNotContain("end to end", server.Stderr); // bodies never reach the log
    }

    [Fact]
    public async Task Sigint_also_stops_gracefully()
    {
        using var folder = new TempFolder();
        File.WriteAllText(folder.File("Spartan.toml"), "queues = [\"q\"]\n");
        await using var server = SpartanProcess.Start(folder.Path, "start", "--host", "127.0.0.1:0");
        await server.ListeningAsync();
        server.Signal(SigInt);
        Assert.Equal(0, await server.WaitForExitAsync());
    }

    [Fact]
    public async Task Sigquit_stops_gracefully_like_sigterm_writing_the_final_snapshot()
    {
        using var folder = new TempFolder();
        File.WriteAllText(folder.File("Spartan.toml"), "queues = [\"q\"]\n[persistence]\nmode = \"snapshot\"\npath = \"./db\"\n");
        await using (var server = SpartanProcess.Start(folder.Path, "start", "--host", "127.0.0.1:0"))
        {
            using var http = new HttpClient { BaseAddress = await server.ListeningAsync() };
            Assert.Equal(HttpStatusCode.OK, (await http.PostAsync("/q", new StringContent("""{"body":"kept"}"""), Ct)).StatusCode);
            server.Signal(SigQuit);
            Assert.Equal(0, await server.WaitForExitAsync());
        }

        var (code, dump) = await SpartanProcess.RunAsync(folder.Path, "dump", "--json", "--queue", "q");
        await using (dump)
        {
            Assert.Equal(0, code);
            Assert.Contains("\"body\":\"kept\"", dump.Stdout, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_bad_config_exits_2_naming_the_file_and_the_key()
    {
        using var folder = new TempFolder();
        File.WriteAllText(folder.File("Spartan.toml"), "queues = [\"q\"]\ngc_timer = \"soon\"\n");
        var (code, run) = await SpartanProcess.RunAsync(folder.Path, "start", "--host", "127.0.0.1:0");
        Assert.Equal(2, code);
        Assert.Contains("gc_timer", run.Stderr);
        Assert.Contains(folder.File("Spartan.toml"), run.Stderr);
    }

    [Fact]
    public async Task A_missing_config_exits_2_and_config_picks_another_path()
    {
        using var folder = new TempFolder();
        var (missing, run) = await SpartanProcess.RunAsync(folder.Path, "start");
        Assert.Equal(2, missing);
        Assert.Contains("Spartan.toml", run.Stderr);

        File.WriteAllText(folder.File("other.toml"), "queues = [\"elsewhere\"]\n");
        await using var server = SpartanProcess.Start(folder.Path, "--config", "other.toml", "start", "--host", "127.0.0.1:0");
        await server.ListeningAsync();
        Assert.Contains("queues: elsewhere", server.Stderr);
    }

    [Fact]
    public async Task Init_never_overwrites_without_force()
    {
        using var folder = new TempFolder();
        File.WriteAllText(folder.File("Spartan.toml"), "queues = [\"mine\"]\n");
        var (code, _) = await SpartanProcess.RunAsync(folder.Path, "init");
        Assert.Equal(2, code);
        Assert.Equal("queues = [\"mine\"]\n", File.ReadAllText(folder.File("Spartan.toml")));

        var (forced, _) = await SpartanProcess.RunAsync(folder.Path, "init", "--force", "--queues", "a,b");
        Assert.Equal(0, forced);
        Assert.Contains("queues = [\"a\", \"b\"]", File.ReadAllText(folder.File("Spartan.toml")));
    }

    [Fact]
    public async Task Start_on_a_replica_config_refuses_with_exit_2_and_says_how_to_promote()
    {
        using var folder = new TempFolder();
        File.WriteAllText(folder.File("Spartan.toml"), """
            queues = ["q"]
            [replication]
            mode = "replica"
            [replication.replica]
            host = "127.0.0.1:12345"
            """);
        var (code, run) = await SpartanProcess.RunAsync(folder.Path, "start", "--host", "127.0.0.1:0");
        Assert.Equal(2, code);
        Assert.Contains("spartan replica", run.Stderr);
        Assert.Contains("primary", run.Stderr);
    }

    [Fact]
    public async Task An_address_in_use_exits_1_naming_it()
    {
        using var folder = new TempFolder();
        File.WriteAllText(folder.File("Spartan.toml"), "queues = [\"q\"]\n");
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var address = $"127.0.0.1:{((IPEndPoint)taken.LocalEndpoint).Port}";

        var (code, run) = await SpartanProcess.RunAsync(folder.Path, "start", "--host", address);
        Assert.Equal(1, code);
        Assert.Contains($"Cannot listen on {address}: the address is already in use", run.Stderr);
        StartupAssert.NoStackTrace(run.Stderr);
    }

    [Theory]
    [InlineData("data")]
    [InlineData("data/db")]
    [InlineData("/proc/spartan-db")]
    public async Task A_persistence_path_that_is_a_file_or_cannot_be_written_exits_1_naming_it(string path)
    {
        using var folder = new TempFolder();
        File.WriteAllText(folder.File("data"), "not a folder");
        File.WriteAllText(folder.File("Spartan.toml"), $"queues = [\"q\"]\n[persistence]\nmode = \"log\"\npath = \"{path}\"\n");

        var (code, run) = await SpartanProcess.RunAsync(folder.Path, "start", "--host", "127.0.0.1:0");

        Assert.Equal(1, code);
        Assert.Contains(Path.GetFullPath(path, folder.Path), run.Stderr, StringComparison.Ordinal);
        Assert.Single(run.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        StartupAssert.NoStackTrace(run.Stderr);
    }

    [Theory]
    [InlineData("--version")]
    [InlineData("--help")]
    public async Task Version_and_help_exit_0(string flag)
    {
        using var folder = new TempFolder();
        var (code, run) = await SpartanProcess.RunAsync(folder.Path, flag);
        Assert.Equal(0, code);
        Assert.False(string.IsNullOrWhiteSpace(run.Stdout));
    }

    [Theory]
    [InlineData("frobnicate")]
    [InlineData("start", "--port", "1")]
    [InlineData("start", "--host", "nonsense")]
    public async Task Usage_errors_exit_2(params string[] args)
    {
        using var folder = new TempFolder();
        File.WriteAllText(folder.File("Spartan.toml"), "queues = [\"q\"]\n");
        var (code, _) = await SpartanProcess.RunAsync(folder.Path, args);
        Assert.Equal(2, code);
    }
}
