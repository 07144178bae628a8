using Spartan.Api.Configuration;
using Spartan.Replication.Cluster;

namespace Spartan.Api.Hosting;

/// <summary>This node's handle on its cluster for the HTTP side: the etcd client, and the <see cref="ClusterNode"/> once
/// it runs (null before: the node then acknowledges no write).</summary>
public sealed class ClusterCoordination(ICoordination etcd, ClusterConfig config) : IDisposable
{
    private ClusterNode? _node;

    public ICoordination Etcd { get; } = etcd;

    public ClusterConfig Config { get; } = config;

    public ClusterNode? Node
    {
        get => Volatile.Read(ref _node);
        internal set => Volatile.Write(ref _node, value);
    }

    /// <summary>True while this node may acknowledge a write (SPEC §13 fencing).</summary>
    public bool MayAcknowledge => Node?.MayAcknowledge == true;

    /// <summary>The leader's URL for the <c>Spartan-Leader</c> header, or null when there is none (or it is this node).</summary>
    public string? LeaderUrl(string scheme)
    {
        if (Node is not { } node || node.View.LeaderHttp is not { } http || node.View.Leader?.Node == Config.Node) return null;
        return $"{scheme}://{http}";
    }

    /// <summary>An etcd client for the configuration's cluster, every call bounded by a third of the ttl.</summary>
    public static ClusterCoordination Connect(ClusterConfig cluster, ILogger logger) =>
        new(new EtcdCoordination(cluster.Name, cluster.Etcd, cluster.Ttl / 3, logger), cluster);

    public void Dispose() => (Etcd as IDisposable)?.Dispose();
}
