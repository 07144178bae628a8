namespace Spartan.Replication.Cluster;

/// <summary>A lease etcd granted: the leader key and the member key live on it.</summary>
/// <param name="Id">The lease's id, to renew, revoke, and attach keys to.</param>
/// <param name="Ttl">The time to live etcd granted, which may be longer than asked: etcd raises a ttl below its minimum
/// (1.5 election timeouts, rounded up to whole seconds).</param>
public sealed record LeaseGrant(long Id, TimeSpan Ttl);
