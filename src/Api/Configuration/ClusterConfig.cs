namespace Spartan.Api.Configuration;

/// <summary>When a cluster node acknowledges a write: <c>cluster.ack</c> (SPEC §13).</summary>
public enum ClusterAck
{
    /// <summary>Once stored on this node: what replicas had not received when it dies can be lost.</summary>
    Local,

    /// <summary>Once stored on this node and on at least one replica: no acknowledged operation is lost to one death.</summary>
    Replica,
}

/// <summary>The <c>[cluster]</c> table (SPEC §13): etcd decides which node is the primary.</summary>
/// <param name="Name"><c>name</c>: the cluster's etcd key prefix is <c>/spartan/&lt;name&gt;/</c>.</param>
/// <param name="Node"><c>node</c>: this node's name, unique in the cluster.</param>
/// <param name="Etcd"><c>etcd</c>: the etcd endpoints, absolute http(s) URLs.</param>
/// <param name="TtlSeconds"><c>ttl</c>: seconds of the leader lease, default 10.</param>
/// <param name="AdvertiseHttp"><c>advertise_http</c>: <c>host:port</c> clients and peers reach this node's HTTP on; port 0
/// means the port the node bound.</param>
/// <param name="AdvertiseReplication"><c>advertise_replication</c>: <c>host:port</c> this node listens on for the primary's
/// stream, and how the primary reaches it; port 0 means any free port (advertised once bound).</param>
/// <param name="Ack"><c>ack</c>, default local.</param>
public sealed record ClusterConfig(
    string Name,
    string Node,
    IReadOnlyList<string> Etcd,
    int TtlSeconds,
    string AdvertiseHttp,
    string AdvertiseReplication,
    ClusterAck Ack)
{
    /// <summary>The shortest lease etcd grants with its default timing, and one second of it is the fencing margin.</summary>
    public const int MinTtlSeconds = 2;

    /// <summary>The longest lease accepted: an hour without a primary is not failover.</summary>
    public const int MaxTtlSeconds = 3600;

    public const int DefaultTtlSeconds = 10;

    public TimeSpan Ttl => TimeSpan.FromSeconds(TtlSeconds);
}
