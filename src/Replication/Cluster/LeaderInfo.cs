namespace Spartan.Replication.Cluster;

/// <summary>Who holds the leader key: the primary, and the epoch of its leadership.</summary>
/// <param name="Node">The primary's node name (the key's value).</param>
/// <param name="Epoch">The key's create revision: every new leadership has a higher one.</param>
/// <param name="LeaseId">The lease the key lives on.</param>
public sealed record LeaderInfo(string Node, long Epoch, long LeaseId);

/// <summary>The leader key as of an etcd revision, reported by a watch.</summary>
/// <param name="Leader">Who holds it, or null when nobody does (deleted, expired, or never taken).</param>
/// <param name="Revision">The etcd revision this state is true at.</param>
public sealed record LeaderChange(LeaderInfo? Leader, long Revision);
