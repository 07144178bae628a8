using Spartan.Api.Configuration;
using Spartan.Replication;
using Spartan.Replication.Primary;
using Spartan.Replication.Protocol;
using Spartan.Replication.Replica;
using Spartan.Replication.Tls;
using Spartan.Storage;

namespace Spartan.Api.Hosting;

/// <summary>Runs this node's side of replication (SPEC §7): on a primary, one <see cref="Replicator"/> per destination
/// fed by the committed events; on a replica, the <see cref="ReplicaServer"/> that applies its primary's stream.</summary>
/// <remarks>Registered before <see cref="BrokerService"/>: it starts first (the retained-events observer must be in
/// place before the commit loop runs) and stops after the broker. Each replicator and the replica server run on
/// their own tasks; their failures are logged and retried there, never surfaced to clients.</remarks>
public sealed class ReplicationHost(SpartanConfig config, NodeStorage storage, Broker broker, TimeProvider time,
    ILoggerFactory loggers, ReplicationLinks links) : IHostedService, IDisposable
{
    private readonly CancellationTokenSource _stopping = new();
    private readonly List<Task> _running = [];

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (config.Replication is not { } replication) return Task.CompletedTask;
        var settings = Settings(config, replication);
        if (replication.Mode == ReplicationMode.Primary)
        {
            var retained = new RetainedEvents();
            retained.StartAfter(broker.CommittedSequence);
            broker.AddObserver(retained);
            var logger = loggers.CreateLogger<Replicator>();
            // Never plaintext when [replication.tls] is configured, even if whoever built the host loaded no TLS.
            var tls = links.Tls ?? Tls(replication, loggers);
            foreach (var destination in replication.Primary!.Destinations)
            {
                var replicator = new Replicator(destination, settings, broker, retained, storage.Store, time, logger, tls);
                links.Add(replicator.Progress);
                _running.Add(Task.Run(() => replicator.RunAsync(_stopping.Token), CancellationToken.None));
            }
        }
        else if (links.Replica is { } server)
        {
            _running.Add(Task.Run(() => server.RunAsync(broker, _stopping.Token), CancellationToken.None));
        }

        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        await Task.WhenAll(_running).WaitAsync(TimeSpan.FromSeconds(10), CancellationToken.None)
            .ContinueWith(static _ => { }, TaskScheduler.Default);
    }

    public void Dispose() => _stopping.Dispose();

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
    private readonly List<ReplicaProgress> _replicas = [];

    public IReadOnlyList<ReplicaProgress> Replicas => _replicas;

    /// <summary>On a replica, its server, bound before the host starts.</summary>
    public ReplicaServer? Replica { get; init; }

    /// <summary>This node's <c>[replication.tls]</c> material, loaded when the node starts; null without one.
    /// <see cref="ReplicationTls.Reload"/> re-reads its files.</summary>
    public ReplicationTls? Tls { get; init; }

    internal void Add(ReplicaProgress progress) => _replicas.Add(progress);
}
