using System.CommandLine;
using Spartan.Api.Hosting;

namespace Spartan.Api.Cli;

/// <summary>The <c>spartan</c> command line of SPEC §5. Exit codes: 0 success, 1 runtime failure, 2 usage or
/// configuration error.</summary>
public static class SpartanCli
{
    public const int Ok = 0;
    public const int Failure = 1;
    public const int Usage = 2;

    /// <summary>The configuration at <paramref name="path"/>, or null once its one-line problem is written to
    /// <paramref name="error"/> (the caller exits 2).</summary>
    internal static Configuration.SpartanConfig? LoadConfig(string path, TextWriter error)
    {
        try
        {
            return Configuration.ConfigLoader.Load(path);
        }
        catch (Configuration.ConfigException problem)
        {
            error.WriteLine(problem.Message);
            return null;
        }
    }

    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error)
    {
        var config = new Option<string>("--config")
        {
            Description = "Path of the configuration file",
            DefaultValueFactory = _ => "Spartan.toml",
            Recursive = true,
        };

        var force = new Option<bool>("--force") { Description = "Overwrite an existing configuration file" };
        var queues = new Option<string?>("--queues") { Description = "Comma-separated queue names (default: default,default-dead)" };
        var init = new Command("init", "Write a default Spartan.toml and create the data folder") { force, queues };
        init.SetAction(parsed => InitCommand.Run(parsed.GetValue(config)!, parsed.GetValue(force),
            parsed.GetValue(queues), output, error));

        var host = new Option<string>("--host")
        {
            Description = "Address to serve HTTP on, ADDR:PORT",
            DefaultValueFactory = _ => HostAddress.Default,
        };
        var start = new Command("start", "Run the server") { host };
        start.SetAction((parsed, _) => StartCommand.RunAsync(parsed.GetValue(config)!, parsed.GetValue(host)!, error));

        var replicaHost = new Option<string>("--host")
        {
            Description = "Address to serve read-only HTTP on, ADDR:PORT",
            DefaultValueFactory = _ => HostAddress.Default,
        };
        var replica = new Command("replica", "Run a replica: receive the primary's stream, serve reads") { replicaHost };
        replica.SetAction((parsed, _) => StartCommand.RunAsync(parsed.GetValue(config)!, parsed.GetValue(replicaHost)!, error, replica: true));

        var root = new RootCommand("Spartan: a fast, self-hosted message queue with an SQS-like HTTP API")
        {
            config, init, start, replica,
        };
        root.Subcommands.Add(DumpCommand.Build(config, output, error));
        root.Subcommands.Add(ClusterCommand.Build(config, output, error));

        var result = root.Parse(args);
        if (result.Errors.Count > 0)
        {
            foreach (var problem in result.Errors) await error.WriteLineAsync(problem.Message);
            await error.WriteLineAsync("Run 'spartan --help' for usage.");
            return Usage;
        }

        if (result.CommandResult.Command == root && result.Action is null)
        {
            await error.WriteLineAsync("A command is required: init, start, replica, dump or cluster. Run 'spartan --help' for usage.");
            return Usage;
        }

        // The host handles SIGINT/SIGTERM itself (graceful stop); the parser must not race it for them.
        return await result.InvokeAsync(new InvocationConfiguration
        {
            Output = output,
            Error = error,
            ProcessTerminationTimeout = null,
        });
    }
}
