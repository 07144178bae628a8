namespace Spartan.Replication.Cluster;

/// <summary>etcd did not answer a coordination call within its deadline, or failed it: the outcome of a write is
/// unknown (it may or may not have been applied), and the caller retries or treats etcd as unreachable.</summary>
public sealed class CoordinationException : Exception
{
    public CoordinationException() { }

    public CoordinationException(string message) : base(message) { }

    public CoordinationException(string message, Exception inner) : base(message, inner) { }
}

/// <summary>etcd no longer knows the lease a call named: it expired or was revoked, and keys can no longer be attached
/// to it. The caller grants a new lease.</summary>
public sealed class LeaseNotFoundException : Exception
{
    public LeaseNotFoundException() { }

    public LeaseNotFoundException(string message) : base(message) { }

    public LeaseNotFoundException(string message, Exception inner) : base(message, inner) { }

    public LeaseNotFoundException(long leaseId, Exception inner)
        : base($"etcd lease {leaseId:x} not found: it expired or was revoked", inner) => LeaseId = leaseId;

    public long LeaseId { get; }
}
