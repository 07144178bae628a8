using System.Net.Sockets;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Spartan.Api.Configuration;
using Spartan.Api.Hosting;
using Spartan.Storage;

namespace Spartan.Api.Cli;

/// <summary><c>spartan start</c>: loads and checks the configuration, serves until SIGINT/SIGTERM, stops gracefully.</summary>
public static partial class StartCommand
{
    public static async Task<int> RunAsync(string configPath, string host, TextWriter error)
    {
        if (Logging.FromEnvironment(Environment.GetEnvironmentVariable(Logging.Variable)) is not { } level)
        {
            await error.WriteLineAsync($"{Logging.Variable}: expected one of error, warn, info, debug, trace.");
            return SpartanCli.Usage;
        }

        SpartanConfig config;
        try
        {
            config = ConfigLoader.Load(configPath);
        }
        catch (ConfigException problem)
        {
            await error.WriteLineAsync(problem.Message);
            return SpartanCli.Usage;
        }

        if (Refusal(config) is { } refusal)
        {
            await error.WriteLineAsync($"{config.SourcePath}: {refusal}");
            return SpartanCli.Usage;
        }

        if (!HostAddress.TryParse(host, out var address))
        {
            await error.WriteLineAsync($"--host: expected ADDR:PORT (e.g. {HostAddress.Default}), got \"{host}\".");
            return SpartanCli.Usage;
        }

        // Storage opens (and recovers) before the host exists, so a refusal stops the start cleanly; it is disposed
        // after the server, which holds the commit loop that writes to it.
        using var loggers = LoggerFactory.Create(logging => Logging.Configure(logging, level));
        var logger = loggers.CreateLogger("Spartan");
        NodeStorage storage;
        try
        {
            storage = NodeStorage.Open(config, TimeProvider.System, loggers.CreateLogger<NodeStorage>());
        }
        catch (StoreException refused)
        {
            LogRefused(logger, refused.Message);
            return SpartanCli.Failure;
        }

        using var ownedStorage = storage;
        await using var app = SpartanServer.Build(config, storage, address, level);
        try
        {
            await app.StartAsync();
        }
        catch (IOException failure) when (failure.InnerException is SocketException or null
                                          && failure.Message.Contains("address already in use", StringComparison.OrdinalIgnoreCase))
        {
            LogAddressInUse(logger, address.ToString());
            return SpartanCli.Failure;
        }

        var bound = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses;
        var addresses = string.Join(", ", bound ?? []);
        var storageText = NodeStorage.Describe(config.Persistence);
        var queues = string.Join(", ", config.Queues);
        var role = NodeInfo.For(config).Role;
        LogStarted(logger, NodeInfo.BuildVersion, addresses, role, storageText, queues);

        await app.WaitForShutdownAsync();
        LogStopped(logger);
        return Environment.ExitCode == 0 ? SpartanCli.Ok : SpartanCli.Failure;
    }

    /// <summary>Configurations this node must not run with `start`, and why (SPEC §5).</summary>
    private static string? Refusal(SpartanConfig config)
    {
        if (config.Replication?.Mode == ReplicationMode.Replica)
            return "replication.mode is \"replica\": run `spartan replica` to follow the primary, or set " +
                   "replication.mode = \"primary\" (or remove [replication]) to promote this node.";
        if (config.Replication is not null)
            return "replication: this build cannot stream to replicas yet. Remove the [replication] section.";
        return null;
    }

    [LoggerMessage(EventId = 3, Level = LogLevel.Error, Message = "Cannot listen on {Address}: the address is already in use")]
    private static partial void LogAddressInUse(ILogger logger, string address);

    [LoggerMessage(EventId = 1, Level = LogLevel.Information,
        Message = "Spartan {Version} listening on {Address} ({Role}, {Storage}); queues: {Queues}")]
    private static partial void LogStarted(ILogger logger, string version, string address, string role, string storage, string queues);

    [LoggerMessage(EventId = 4, Level = LogLevel.Critical, Message = "Refusing to start: {Reason}")]
    private static partial void LogRefused(ILogger logger, string reason);

    [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "Spartan stopped")]
    private static partial void LogStopped(ILogger logger);
}
