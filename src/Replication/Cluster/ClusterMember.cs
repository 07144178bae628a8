namespace Spartan.Replication.Cluster;

/// <summary>What one node tells the cluster about itself, stored as JSON at <c>/spartan/&lt;name&gt;/members/&lt;node&gt;</c>
/// on the node's lease, so it vanishes when the node stops renewing (SPEC §13).</summary>
/// <param name="Node">The node's unique name (<c>[cluster] node</c>).</param>
/// <param name="Http">How clients and peers reach its HTTP API (<c>advertise_http</c>).</param>
/// <param name="Replication">Where it listens for a primary's stream (<c>advertise_replication</c>).</param>
/// <param name="Applied">The last sequence it has applied: the most up-to-date replica takes over on failover.</param>
/// <param name="Epoch">The epoch of the history it follows or leads.</param>
/// <param name="Role"><see cref="Primary"/> or <see cref="Replica"/>.</param>
public sealed record ClusterMember(string Node, string Http, string Replication, long Applied, long Epoch, string Role)
{
    public const string Primary = "primary";
    public const string Replica = "replica";
}
