using Spartan.Api.Configuration;
using Spartan.Engine;
using Spartan.Replication;
using Spartan.Replication.Primary;
using Spartan.Replication.Protocol;
using Spartan.Replication.Replica;
using Spartan.Replication.Tls;

namespace Spartan.Api.Hosting;

/// <summary>Runs this node's side of replication (SPEC §7): on a primary, one <see cref="Replicator"/> per destination
/// fed by the committed events; on a replica, the <see cref="ReplicaServer"/> that applies its primary's stream.</summary>
/// <remarks>Starts after the commit loop (whose observers, the retained-events ring among them, are in place before it
/// runs) and stops before it. Each replicator and the replica server run on their own tasks; their session failures are
/// logged and retried there, never surfaced to clients; a task that ends with an unexpected error is reported as a
/// background failure. A replica's listening address is bound here, so an address in use stops the start.</remarks>
public sealed partial class ReplicationHost(SpartanConfig config, Broker broker, EngineStore store, TimeProvider time,
    ILoggerFactory loggers, ReplicationLinks links, BackgroundFailures failures, RetainedEvents? retained = null)
    : INodePart, IDisposable
{
    private readonly CancellationTokenSource _stopping = new();
    private readonly List<(string Name, Task Task)> _running = [];
    private readonly ILogger _logger = loggers.CreateLogger<ReplicationHost>();

    public string Name => "replication";

    public Task StartAsync(CancellationToken cancellationToken)
    {
        // A cluster node's links change with its role: ClusterHost runs them.
        if (config.Replication is not { } replication || config.Cluster is not null) return Task.CompletedTask;
        var settings = Settings(config, replication);
        if (replication.Mode == ReplicationMode.Primary)
        {
            var ring = retained ?? throw new InvalidOperationException("A primary needs the retained-events ring.");
            var logger = loggers.CreateLogger<Replicator>();
            var positions = store.Positions?.Read() ?? new Dictionary<string, long>();
            // Never plaintext when [replication.tls] is configured, even if whoever built the host loaded no TLS.
            var tls = links.Tls ?? Tls(replication, loggers);
            foreach (var destination in replication.Primary!.Destinations)
            {
                var replicator = new Replicator(destination, settings, broker, ring, store.Log,
                    positions.GetValueOrDefault(destination), time, logger, tls);
                links.Add(replicator.Progress);
                _running.Add(($"replicator {destination}", Task.Run(() => replicator.RunAsync(_stopping.Token), CancellationToken.None)));
            }
        }
        else if (links.Replica is { } server)
        {
            server.Bind();
            var address = server.LocalEndPoint?.ToString() ?? replication.Replica!.Host;
            LogListening(_logger, address);
            _running.Add(("replica server", Task.Run(() => server.RunAsync(_stopping.Token), CancellationToken.None)));
        }

        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        foreach (var (name, task) in _running) await failures.AwaitStopAsync("replication", name, task);
    }

    public void Dispose() => _stopping.Dispose();

    /// <summary>On a replica, its server, listening on <c>replication.replica.host</c> (port 0: any free port, logged).</summary>
    public static ReplicaServer NewReplicaServer(SpartanConfig config, Broker broker, ILoggerFactory loggers, ReplicationTls? tls,
        TimeProvider time)
    {
        var replication = config.Replication!;
        var host = config.Cluster?.AdvertiseReplication ?? replication.Replica!.Host;
        var colon = host.LastIndexOf(':');
        var listen = HostAddress.TryParse(host, out var address)
            ? address.EndPoint
            : new System.Net.IPEndPoint(System.Net.Dns.GetHostAddresses(host[..colon])[0],
                int.Parse(host[(colon + 1)..], System.Globalization.CultureInfo.InvariantCulture));
        return new ReplicaServer(listen, Settings(config, replication), broker, loggers.CreateLogger<ReplicaServer>(), tls, time);
    }

    [LoggerMessage(EventId = 63, Level = LogLevel.Information, Message = "Listening for the primary's replication stream on {Address}")]
    private static partial void LogListening(ILogger logger, string address);

    /// <summary>This node's <c>[replication.tls]</c> material, or null without one; throws
    /// <see cref="TlsFileException"/> naming a file that is missing or unusable.</summary>
    public static ReplicationTls? Tls(ReplicationConfig replication, ILoggerFactory loggers) =>
        replication.Tls is { } tls ? new ReplicationTls(tls.Cert, tls.Key, tls.Ca, loggers.CreateLogger<ReplicationTls>()) : null;

    /// <summary>What this node says about itself in handshakes.</summary>
    public static ReplicationSettings Settings(SpartanConfig config, ReplicationConfig replication)
    {
        var lines = new List<string>();
        foreach (var (queue, s) in config.QueueSettings)
            lines.Add($"{queue}:{s.DeadLetter}:{s.MaxTries}:{s.Timeout}:{s.Delay}");
        if (config.Cluster is { } cluster)
        {
            // A cluster's links must come back within a failover's budget, and a dead one be noticed within a lease.
            return new ReplicationSettings($"{cluster.Node}@{cluster.AdvertiseReplication}", config.Queues, Handshake.SettingsDigest(lines),
                replication.Secret, TimeSpan.FromSeconds(1), cluster.Ttl);
        }

        var nodeId = replication.Mode == ReplicationMode.Replica
            ? $"replica@{replication.Replica!.Host}"
            : $"primary@{Environment.MachineName}";
        var tryTimer = replication.Mode == ReplicationMode.Replica
            ? replication.Replica!.TryTimerSeconds
            : replication.Primary!.TryTimerSeconds;
        var heartbeat = replication.Primary?.ReplicationTimerSeconds ?? 180;
        return new ReplicationSettings(nodeId, config.Queues, Handshake.SettingsDigest(lines), replication.Secret,
            TimeSpan.FromSeconds(tryTimer), TimeSpan.FromSeconds(heartbeat));
    }
}

/// <summary>The replication links of this node, for metrics and health: the primary's per-replica progress, or the
/// replica's bound server; and the TLS material both use, which SIGHUP reloads.</summary>
public sealed class ReplicationLinks
{
    // Replaced whole on each change: a cluster's primary adds and drops links while scrapes read them.
    private ReplicaProgress[] _replicas = [];
    private readonly Lock _changing = new();

    public IReadOnlyList<ReplicaProgress> Replicas => Volatile.Read(ref _replicas);

    /// <summary>On a replica, its server (bound when replication starts).</summary>
    public ReplicaServer? Replica { get; internal set; }

    /// <summary>This node's <c>[replication.tls]</c> material, loaded when the node starts; null without one.
    /// <see cref="ReplicationTls.Reload"/> re-reads its files.</summary>
    public ReplicationTls? Tls { get; init; }

    internal void Add(ReplicaProgress progress)
    {
        lock (_changing) Volatile.Write(ref _replicas, [.. _replicas, progress]);
    }

    internal void Remove(ReplicaProgress progress)
    {
        lock (_changing) Volatile.Write(ref _replicas, [.. _replicas.Where(p => p != progress)]);
    }
}
