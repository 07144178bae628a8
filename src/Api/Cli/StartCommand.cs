using System.Net.Sockets;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Spartan.Api.Configuration;
using Spartan.Api.Hosting;
using Spartan.Engine;
using Spartan.Replication.Tls;

namespace Spartan.Api.Cli;

/// <summary><c>spartan start</c> and <c>spartan replica</c>: load and check the configuration, open storage, serve
/// until SIGINT/SIGTERM, stop gracefully.</summary>
public static partial class StartCommand
{
    /// <summary>Runs a primary or standalone node (<paramref name="replica"/> false) or a replica.</summary>
    public static async Task<int> RunAsync(string configPath, string host, TextWriter error, bool replica = false)
    {
        if (Logging.FromEnvironment(Environment.GetEnvironmentVariable(Logging.Variable)) is not { } level)
        {
            await error.WriteLineAsync($"{Logging.Variable}: expected one of error, warn, info, debug, trace.");
            return SpartanCli.Usage;
        }

        // SIGHUP must never stop the node (SPEC §5), not even while it recovers; until it serves, one is only logged.
        using var hangup = new HangupSignal(error);
        if (SpartanCli.LoadConfig(configPath, error) is not { } config) return SpartanCli.Usage;

        if (Refusal(config, replica) is { } refusal)
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
        ReplicationTls? replicationTls;
        try
        {
            replicationTls = config.Replication is { } replicating ? ReplicationHost.Tls(replicating, loggers) : null;
        }
        catch (TlsFileException unusable)
        {
            LogTlsFile(logger, unusable.Message);
            return SpartanCli.Failure;
        }

        WebApplication built;
        try
        {
            built = SpartanServer.Build(config, storage, address, level,
                links: new ReplicationLinks { Tls = replicationTls });
        }
        catch (TlsFileException unusable)
        {
            LogTlsFile(logger, unusable.Message);
            return SpartanCli.Failure;
        }

        await using var app = built;
        try
        {
            await app.StartAsync();
        }
        catch (Exception failure) when (IsAddressInUse(failure))
        {
            // The replication port is bound by the node's replication part, before Kestrel binds the HTTP address.
            var taken = failure is SocketException && (config.Cluster?.AdvertiseReplication ?? config.Replication?.Replica?.Host) is { } replicationHost
                ? replicationHost
                : address.ToString();
            LogAddressInUse(logger, taken);
            return SpartanCli.Failure;
        }
        catch (Exception failure) when (failure is IOException or InvalidOperationException or UnauthorizedAccessException)
        {
            LogStartFailed(logger, failure.Message);
            LogStartFailedDetail(logger, failure);
            return SpartanCli.Failure;
        }

        hangup.Target = new ConfigReload(config, app.Services.GetRequiredService<Http.AccessKeys>(), TlsReloads(app.Services),
            loggers.CreateLogger<ConfigReload>());

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

    /// <summary>Kestrel reports a taken address as <c>AddressInUseException</c> (wrapping a <see cref="SocketException"/>),
    /// older paths as an <see cref="IOException"/>; all of them are the one-line refusal of SPEC §5.</summary>
    private static bool IsAddressInUse(Exception failure)
    {
        for (var e = failure; e is not null; e = e.InnerException)
            if (e is Microsoft.AspNetCore.Connections.AddressInUseException
                || e is SocketException { SocketErrorCode: SocketError.AddressAlreadyInUse })
                return true;
        return false;
    }

    /// <summary>What SIGHUP re-reads besides the keys: the HTTP listener's TLS files.</summary>
    private static List<Action> TlsReloads(IServiceProvider services)
    {
        var reloads = new List<Action>();
        if (services.GetService<HttpTls>() is { } http) reloads.Add(http.Reload);
        if (services.GetService<ReplicationLinks>()?.Tls is { } replication) reloads.Add(replication.Reload);
        return reloads;
    }

    /// <summary>Configurations this command must not run, and why (SPEC §5).</summary>
    private static string? Refusal(SpartanConfig config, bool replica)
    {
        if (config.Cluster is not null && replica)
            return "this node is in a [cluster]: etcd decides its role; run `spartan start` on every cluster node.";
        var isReplica = config.Replication?.Mode == ReplicationMode.Replica;
        if (!replica && isReplica)
            return "replication.mode is \"replica\": run `spartan replica` to follow the primary, or set " +
                   "replication.mode = \"primary\" (or remove [replication]) to promote this node.";
        if (replica && !isReplica)
            return "replication.mode is not \"replica\": `spartan replica` needs a [replication] section with " +
                   "mode = \"replica\" and a [replication.replica] host; use `spartan start` for this node.";
        return null;
    }

    [LoggerMessage(EventId = 6, Level = LogLevel.Critical, Message = "Cannot start: {Reason}")]
    private static partial void LogStartFailed(ILogger logger, string reason);

    [LoggerMessage(EventId = 7, Level = LogLevel.Debug, Message = "The start failed with")]
    private static partial void LogStartFailedDetail(ILogger logger, Exception error);

    [LoggerMessage(EventId = 5, Level = LogLevel.Critical, Message = "Cannot use a TLS file: {Reason}")]
    private static partial void LogTlsFile(ILogger logger, string reason);

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
