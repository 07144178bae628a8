using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Spartan.Api.Configuration;
using Spartan.Engine;
using Spartan.Replication.Cluster;
using Spartan.Replication.Primary;
using Spartan.Replication.Replica;

namespace Spartan.Api.Hosting;

/// <summary>Runs this node in its cluster (SPEC §13): the <see cref="ReplicaServer"/> listening on
/// <c>advertise_replication</c> whatever the role (it refuses streams while this node leads, or from a primary of an older
/// epoch), and the <see cref="ClusterNode"/> that decides the role; as the leader's duties, one <see cref="Replicator"/>
/// per live member and the declared queues recorded at the start of each leadership.</summary>
/// <remarks>The cluster loop starts once the HTTP server listens, so the address this node advertises is the one it
/// bound (port 0 in <c>advertise_http</c> or <c>advertise_replication</c> means "the port bound"). It stops first at a
/// graceful stop, handing the leadership back at once.</remarks>
public sealed partial class ClusterHost(SpartanConfig config, Broker broker, EngineStore store, TimeProvider time,
    ILoggerFactory loggers, ReplicationLinks links, BackgroundFailures failures, RetainedEvents retained,
    ClusterCoordination coordination, ClusterBarrier barrier, IServer server, IHostApplicationLifetime lifetime) : INodePart, ILeaderDuties, IDisposable
{
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Link> _links = new(StringComparer.Ordinal);
    private readonly ILogger _logger = loggers.CreateLogger<ClusterHost>();
    private Task? _replicaServer;
    private Task? _cluster;

    public string Name => "cluster";

    public Task StartAsync(CancellationToken cancellationToken)
    {
        var cluster = config.Cluster!;
        var server = links.Replica ?? throw new InvalidOperationException("A cluster node needs its replica server.");
        server.Bind();
        var replication = WithBoundPort(cluster.AdvertiseReplication, (server.LocalEndPoint as System.Net.IPEndPoint)?.Port);
        var listening = server.LocalEndPoint?.ToString() ?? cluster.AdvertiseReplication;
        LogListening(_logger, listening);
        _replicaServer = Task.Run(() => server.RunAsync(_stopping.Token), CancellationToken.None);
        lifetime.ApplicationStarted.Register(() =>
        {
            var settings = new ClusterSettings(cluster.Name, cluster.Node, cluster.Ttl, HttpAddress(cluster), replication);
            var node = new ClusterNode(settings, coordination.Etcd, broker, this, time, loggers.CreateLogger<ClusterNode>());
            server.Admission = history => Admit(node, history);
            coordination.Node = node;
            _cluster = Task.Run(() => node.RunAsync(_stopping.Token), CancellationToken.None);
        });
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        await Await("cluster", _cluster);
        await StopLeadingAsync();
        await Await("replica server", _replicaServer);
    }

    // The etcd client is the container's (ClusterCoordination), disposed with it.
    public void Dispose() => _stopping.Dispose();

    public Task StartLeadingAsync(long epoch, CancellationToken cancellationToken)
    {
        barrier.Restart();
        // What the ring holds from following may belong to a suffix a truncation dropped since: tail only this leadership's.
        retained.StartAfter(broker.CommittedSequence);
        // Not awaited: with ack = "replica" it waits for a replica, and the role's loop must go on meanwhile.
        _ = DeclareQueuesAsync();
        return Task.CompletedTask;
    }

    /// <summary>SPEC §10: the declared queues' settings win over stored ones, recorded as events of this leadership.</summary>
    private async Task DeclareQueuesAsync()
    {
        try
        {
            await broker.DeclareQueuesAsync([.. QueueDefinitions.From(config)]);
        }
        catch (Exception error) when (error is StorageUnavailableException or NotPrimaryException)
        {
            LogNotDeclared(_logger, error.Message);
        }
    }

    public void StreamTo(IReadOnlyList<ClusterMember> members)
    {
        lock (_gate)
        {
            foreach (var member in members)
            {
                if (member.Node == config.Cluster!.Node) continue;
                if (_links.TryGetValue(member.Node, out var link) && link.Address == member.Replication) continue;
                if (link is not null) Stop(link);
                _links[member.Node] = Start(member);
            }

            foreach (var gone in _links.Keys.Where(node => members.All(m => m.Node != node)).ToList())
            {
                Stop(_links[gone]);
                _links.Remove(gone);
            }
        }
    }

    public long AcknowledgedBy(string node)
    {
        lock (_gate) return _links.TryGetValue(node, out var link) && link.Replicator.Progress.Connected ? link.Replicator.Progress.Acked : -1;
    }

    public async Task StopLeadingAsync()
    {
        List<Link> stopping;
        lock (_gate)
        {
            stopping = [.. _links.Values];
            _links.Clear();
            foreach (var link in stopping) Stop(link);
        }

        foreach (var link in stopping) await Await($"replicator {link.Address}", link.Running);
    }

    private Link Start(ClusterMember member)
    {
        var settings = ReplicationHost.Settings(config, config.Replication!);
        // Position 0: what a member acknowledged under an earlier leadership may be of another history; the handshake
        // agrees where it stands in this one.
        var replicator = new Replicator(member.Replication, settings, broker, retained, store.Log, 0, time,
            loggers.CreateLogger<Replicator>(), links.Tls);
        replicator.Progress.OnAcknowledged = barrier.Acknowledged;
        links.Add(replicator.Progress);
        var stop = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token);
        var running = Task.Run(async () =>
        {
            try
            {
                await replicator.RunAsync(stop.Token);
            }
            finally
            {
                stop.Dispose();
            }
        }, CancellationToken.None);
        LogStreaming(_logger, member.Node, member.Replication);
        return new Link(member.Replication, replicator, stop, running);
    }

    /// <summary>Stops a link; its stored position goes too, so the log is not kept for a member that left (a member
    /// that comes back is streamed from where the handshake finds it).</summary>
    private void Stop(Link link)
    {
        link.Stop.Cancel();
        links.Remove(link.Replicator.Progress);
        broker.ForgetReplicaPosition(link.Address);
    }

    private Task Await(string name, Task? task) => task is null ? Task.CompletedTask : failures.AwaitStopAsync("cluster", name, task);

    /// <summary>Refuses a stream while this node leads, or from a primary whose newest epoch is older than the one etcd
    /// last named: an old primary that has not noticed its lease ran out must not write here.</summary>
    private static string? Admit(ClusterNode node, History primary)
    {
        if (node.Role == ClusterRole.Primary) return $"this node is the cluster's primary (epoch {node.Epoch})";
        var theirs = primary.Latest?.Number ?? 0;
        return theirs < node.Epoch ? $"a stale primary: its newest epoch is {theirs}, and the cluster's leader has epoch {node.Epoch}" : null;
    }

    private string HttpAddress(ClusterConfig cluster)
    {
        var bound = server.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault();
        var port = bound is not null && Uri.TryCreate(bound, UriKind.Absolute, out var uri) ? uri.Port : (int?)null;
        return WithBoundPort(cluster.AdvertiseHttp, port);
    }

    /// <summary><paramref name="advertised"/> with the bound port in place of port 0.</summary>
    private static string WithBoundPort(string advertised, int? bound)
    {
        var colon = advertised.LastIndexOf(':');
        return advertised[(colon + 1)..] == "0" && bound is { } port
            ? $"{advertised[..colon]}:{port.ToString(System.Globalization.CultureInfo.InvariantCulture)}"
            : advertised;
    }

    private sealed record Link(string Address, Replicator Replicator, CancellationTokenSource Stop, Task Running);

    [LoggerMessage(EventId = 110, Level = LogLevel.Information, Message = "Listening for the primary's replication stream on {Address}")]
    private static partial void LogListening(ILogger logger, string address);

    [LoggerMessage(EventId = 111, Level = LogLevel.Information, Message = "Streaming to member {Node} at {Address}")]
    private static partial void LogStreaming(ILogger logger, string node, string address);

    [LoggerMessage(EventId = 112, Level = LogLevel.Warning, Message = "The declared queues could not be recorded ({Reason}); the stored settings apply")]
    private static partial void LogNotDeclared(ILogger logger, string reason);
}
