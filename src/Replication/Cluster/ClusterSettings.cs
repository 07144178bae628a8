namespace Spartan.Replication.Cluster;

/// <summary>What a cluster node knows of itself (SPEC §13 <c>[cluster]</c>), with the advertised addresses as bound.</summary>
/// <param name="Name">The cluster's name.</param>
/// <param name="Node">This node's name, unique in the cluster.</param>
/// <param name="Ttl">The lease's time to live: the primary stops acknowledging writes one second before it can expire.</param>
/// <param name="Http">How clients and peers reach this node's HTTP, <c>host:port</c>.</param>
/// <param name="Replication">Where this node receives a primary's stream, <c>host:port</c>.</param>
public sealed record ClusterSettings(string Name, string Node, TimeSpan Ttl, string Http, string Replication)
{
    /// <summary>How often the lease is renewed and this node's record refreshed.</summary>
    public TimeSpan Tick => Ttl / 3;

    /// <summary>How long after its last renewal a primary may still acknowledge a write: its lease cannot have
    /// expired before then, so no other node can be primary yet.</summary>
    public TimeSpan Fence => Ttl - TimeSpan.FromSeconds(1);
}

/// <summary>This node's role in the cluster.</summary>
public enum ClusterRole
{
    /// <summary>Follows the primary (or waits for one): reads only.</summary>
    Replica,

    /// <summary>Holds the leader key: decides events and streams them to the members.</summary>
    Primary,
}

/// <summary>What this node last learned of the cluster from etcd, for <c>GET /_/cluster</c> and redirects.</summary>
/// <param name="Leader">The leader key's holder, or null.</param>
/// <param name="Members">The live members, in node order.</param>
public sealed record ClusterView(LeaderInfo? Leader, IReadOnlyList<ClusterMember> Members)
{
    public static ClusterView Empty { get; } = new(null, []);

    /// <summary>The leader's advertised HTTP address, when it is a live member.</summary>
    public string? LeaderHttp => Leader is { } leader ? Members.FirstOrDefault(m => m.Node == leader.Node)?.Http : null;
}

/// <summary>What being primary means beyond deciding events; the node's host supplies it.</summary>
public interface ILeaderDuties
{
    /// <summary>This node now leads <paramref name="epoch"/> (its epoch is stored), and streams to the members right
    /// after: record the declared queues without waiting for them (with ack = "replica" they wait for a replica).</summary>
    Task StartLeadingAsync(long epoch, CancellationToken cancellationToken);

    /// <summary>The live members, as last read (primary only): stream to each one but this node.</summary>
    void StreamTo(IReadOnlyList<ClusterMember> members);

    /// <summary>The last sequence <paramref name="node"/> acknowledged to this primary, or -1 when it has no link.</summary>
    long AcknowledgedBy(string node);

    /// <summary>This node no longer leads: stop streaming and time-driven work.</summary>
    Task StopLeadingAsync();
}
