namespace Spartan.Replication.Cluster;

/// <summary>The coordination store the cluster's role state machine stands on (SPEC §13): leases, the leader key whose
/// create revision is the epoch, member records, and the switchover intent. <see cref="EtcdCoordination"/> is the real
/// one; tests of the state machine use an in-memory one.</summary>
/// <remarks>
/// Every call is bounded: when the store cannot be reached it throws <see cref="CoordinationException"/> within its
/// deadline rather than hang, so a primary can tell it has lost touch before its lease can have expired. A write that
/// throws <see cref="CoordinationException"/> may still have been applied. Cancelling the token throws
/// <see cref="OperationCanceledException"/>.
/// </remarks>
public interface ICoordination
{
    /// <summary>Grants a lease of <paramref name="ttl"/> (whole seconds, rounded up; the store may grant more).</summary>
    Task<LeaseGrant> GrantLeaseAsync(TimeSpan ttl, CancellationToken cancellationToken);

    /// <summary>Renews the lease once. True: it runs for its full ttl again, counted from some instant after this call
    /// began (so a caller counts from before the call). False: the lease is gone (expired or revoked) and cannot come
    /// back; its keys are deleted.</summary>
    Task<bool> KeepAliveOnceAsync(long leaseId, CancellationToken cancellationToken);

    /// <summary>Revokes the lease, deleting every key on it at once; a lease already gone is not an error.</summary>
    Task RevokeAsync(long leaseId, CancellationToken cancellationToken);

    /// <summary>Takes the leader key for <paramref name="node"/> on the lease if nobody holds it.</summary>
    /// <returns>The epoch (the key's create revision) when this node holds the key, including when it already did on
    /// this lease; null when another node (or this node on another lease) holds it.</returns>
    /// <exception cref="LeaseNotFoundException">The lease is gone.</exception>
    Task<long?> CampaignAsync(string node, long leaseId, CancellationToken cancellationToken);

    /// <summary>Who holds the leader key now, or null.</summary>
    Task<LeaderInfo?> GetLeaderAsync(CancellationToken cancellationToken);

    /// <summary>Deletes the leader key only if it is still <paramref name="node"/>'s of <paramref name="epoch"/>;
    /// true if this call deleted it.</summary>
    Task<bool> ResignAsync(string node, long epoch, CancellationToken cancellationToken);

    /// <summary>Writes the member record on the lease, so it vanishes when the lease does.</summary>
    /// <exception cref="LeaseNotFoundException">The lease is gone.</exception>
    Task PutMemberAsync(ClusterMember member, long leaseId, CancellationToken cancellationToken);

    /// <summary>Every live member record, in node order.</summary>
    Task<IReadOnlyList<ClusterMember>> GetMembersAsync(CancellationToken cancellationToken);

    /// <summary>Reports the leader key: first as it is now, then each put or delete. It survives the store going away
    /// and coming back: on each reconnection it reads the key again and reports it if it differs from the last report,
    /// so a deletion missed meanwhile is not lost. Ends only when <paramref name="cancellationToken"/> is cancelled.</summary>
    IAsyncEnumerable<LeaderChange> WatchLeaderAsync(CancellationToken cancellationToken);

    /// <summary>Records an operator's request to hand the leadership to <paramref name="targetNode"/> (replacing any
    /// earlier one); it stays until <see cref="ClearSwitchoverAsync"/>.</summary>
    Task RequestSwitchoverAsync(string targetNode, CancellationToken cancellationToken);

    /// <summary>The node a pending switchover hands the leadership to, or null.</summary>
    Task<string?> GetSwitchoverAsync(CancellationToken cancellationToken);

    /// <summary>Removes the switchover request only if it still names <paramref name="targetNode"/>, so a newer request
    /// is not lost; true if this call removed it.</summary>
    Task<bool> ClearSwitchoverAsync(string targetNode, CancellationToken cancellationToken);
}
