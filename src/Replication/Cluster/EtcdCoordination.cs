using System.Text.Json;
using dotnet_etcd;
using dotnet_etcd.interfaces;
using Etcdserverpb;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Mvccpb;

namespace Spartan.Replication.Cluster;

/// <summary>The cluster's coordination on a real etcd (3.4+), through dotnet-etcd's gRPC channel and etcd's raw KV,
/// Lease and Watch calls.</summary>
/// <remarks>
/// Every call carries a gRPC deadline of <c>callTimeout</c> (the caller picks it well under the lease ttl, e.g.
/// ttl/3), so an unreachable etcd fails a call in bounded time instead of hanging it. Each call is one attempt: the
/// caller (the role state machine) already retries on its own schedule. Deadlines are wall-clock (gRPC's own), not a
/// <see cref="TimeProvider"/>: this class only ever talks to a real etcd; the state machine's tests fake
/// <see cref="ICoordination"/> instead.
/// </remarks>
public sealed partial class EtcdCoordination : ICoordination, IDisposable
{
    // After etcd comes back, the channel reconnects within this; gRPC's default grows to two minutes, which would keep
    // a node away from a restarted etcd long after it is up.
    private static readonly TimeSpan ReconnectBackoffCap = TimeSpan.FromSeconds(1);

    private readonly EtcdClient _client;
    private readonly IConnection _etcd;
    private readonly ClusterKeys _keys;
    private readonly TimeSpan _callTimeout;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _disposed = new();

    /// <param name="clusterName">The cluster's name: its keys live under <c>/spartan/&lt;name&gt;/</c>.</param>
    /// <param name="endpoints">etcd's client URLs, e.g. <c>http://127.0.0.1:2379</c>.</param>
    /// <param name="callTimeout">The deadline of each call.</param>
    /// <param name="logger">Where the leader watch tells of losing and regaining etcd.</param>
    public EtcdCoordination(string clusterName, IReadOnlyList<string> endpoints, TimeSpan callTimeout, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        if (endpoints.Count == 0) throw new ArgumentException("at least one etcd endpoint is needed", nameof(endpoints));
        foreach (var endpoint in endpoints)
        {
            // dotnet-etcd's string constructor speaks plaintext; TLS to etcd would need its certificate options wired.
            if (!Uri.TryCreate(endpoint, UriKind.Absolute, out var uri) || uri.Scheme != Uri.UriSchemeHttp)
                throw new ArgumentException($"'{endpoint}' is not an http:// etcd URL", nameof(endpoints));
        }
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(callTimeout, TimeSpan.Zero);

        _keys = new ClusterKeys(clusterName);
        _callTimeout = callTimeout;
        _logger = logger ?? NullLogger.Instance;
        _client = new EtcdClient(string.Join(',', endpoints), configureChannelOptions: options =>
        {
            // dotnet-etcd's default service config retries every method on Unavailable. Its retrying wrapper around a
            // streaming call was seen to leave a watch's first write pending for good when the connection under it
            // was cut, and to throw ArgumentOutOfRangeException when that write was then cancelled. Plain calls, with
            // round robin over the endpoints kept, fail cleanly instead, and the state machine retries them anyway.
            options.ServiceConfig = new ServiceConfig { LoadBalancingConfigs = { new RoundRobinConfig() } };
            options.InitialReconnectBackoff = TimeSpan.FromMilliseconds(100);
            options.MaxReconnectBackoff = ReconnectBackoffCap;
            if (options.HttpHandler is SocketsHttpHandler handler)
            {
                // A watch stream has no deadline: HTTP/2 pings are what notice an etcd that stopped answering without
                // closing the connection (frozen, or cut off by the network). etcd refuses pings closer than 5 s apart
                // (--grpc-keepalive-min-time) by closing the connection, so 10 s; only while a call is open.
                handler.KeepAlivePingDelay = TimeSpan.FromSeconds(10);
                handler.KeepAlivePingTimeout = TimeSpan.FromSeconds(5);
                handler.KeepAlivePingPolicy = HttpKeepAlivePingPolicy.WithActiveRequests;
            }
        });
        _etcd = _client.GetConnection();
    }

    public async Task<LeaseGrant> GrantLeaseAsync(TimeSpan ttl, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(ttl, TimeSpan.Zero);
        var seconds = (long)Math.Ceiling(ttl.TotalSeconds);
        var granted = await CallAsync("lease grant", (deadline, ct) =>
            _etcd.LeaseClient.LeaseGrantAsync(new LeaseGrantRequest { TTL = seconds }, null, deadline, ct).ResponseAsync,
            cancellationToken);
        if (!string.IsNullOrEmpty(granted.Error)) throw new CoordinationException($"etcd lease grant: {granted.Error}");
        return new LeaseGrant(granted.ID, TimeSpan.FromSeconds(granted.TTL));
    }

    /// <remarks>etcd renews only through its bidirectional LeaseKeepAlive stream (LeaseTimeToLive reads, it does not
    /// renew), so each renewal opens a stream, sends one request, reads the one answer and closes: one round trip, under
    /// the same deadline as any call, and no long-lived stream whose silence would have to be told from a dead etcd.
    /// etcd answers a lease it does not know (or that expired and is being revoked) with ttl 0.</remarks>
    public Task<bool> KeepAliveOnceAsync(long leaseId, CancellationToken cancellationToken) =>
        CallAsync("lease keep-alive", async (deadline, ct) =>
        {
            using var call = _etcd.LeaseClient.LeaseKeepAlive(null, deadline, ct);
            await call.RequestStream.WriteAsync(new LeaseKeepAliveRequest { ID = leaseId }, ct);
            if (!await call.ResponseStream.MoveNext(ct))
                throw new CoordinationException("etcd closed the lease keep-alive stream without answering");
            var answer = call.ResponseStream.Current;
            await call.RequestStream.CompleteAsync();
            return answer.ID == leaseId && answer.TTL > 0;
        }, cancellationToken);

    public async Task RevokeAsync(long leaseId, CancellationToken cancellationToken)
    {
        try
        {
            await CallAsync("lease revoke", (deadline, ct) =>
                _etcd.LeaseClient.LeaseRevokeAsync(new LeaseRevokeRequest { ID = leaseId }, null, deadline, ct).ResponseAsync,
                cancellationToken);
        }
        catch (LeaseNotFoundException)
        {
            // Already gone: what revoking was for. (A revoke retried after its answer was lost lands here too.)
        }
    }

    public async Task<long?> CampaignAsync(string node, long leaseId, CancellationToken cancellationToken)
    {
        ClusterKeys.RequireName(node, nameof(node));
        var leader = Key(_keys.Leader);
        var txn = new TxnRequest();
        // Nobody holds the key (create revision 0 means "absent")...
        txn.Compare.Add(new Compare
        {
            Key = leader, Target = Compare.Types.CompareTarget.Create, Result = Compare.Types.CompareResult.Equal, CreateRevision = 0,
        });
        // ...then take it on our lease, else read who holds it.
        txn.Success.Add(new RequestOp { RequestPut = new PutRequest { Key = leader, Value = Value(node), Lease = leaseId } });
        txn.Failure.Add(new RequestOp { RequestRange = new RangeRequest { Key = leader } });

        var answer = await CallAsync("campaign", (deadline, ct) => _etcd.KVClient.TxnAsync(txn, null, deadline, ct).ResponseAsync,
            cancellationToken, leaseId);
        // The put is the transaction's only write, so the revision it made (the header's) is the key's create revision.
        if (answer.Succeeded) return answer.Header.Revision;

        // Ours already: a campaign retried after its answer was lost (it threw CoordinationException but was applied),
        // or a second campaign on the same lease.
        var holder = answer.Responses[0].ResponseRange.Kvs.FirstOrDefault();
        return holder is not null && holder.Lease == leaseId && holder.Value.ToStringUtf8() == node ? holder.CreateRevision : null;
    }

    public async Task<LeaderInfo?> GetLeaderAsync(CancellationToken cancellationToken) =>
        (await ReadLeaderAsync(cancellationToken)).Leader;

    public async Task<bool> ResignAsync(string node, long epoch, CancellationToken cancellationToken)
    {
        ClusterKeys.RequireName(node, nameof(node));
        var leader = Key(_keys.Leader);
        var txn = new TxnRequest();
        // Still our leadership: the same creation (a new leadership of the same node has a new create revision)...
        txn.Compare.Add(new Compare
        {
            Key = leader, Target = Compare.Types.CompareTarget.Create, Result = Compare.Types.CompareResult.Equal, CreateRevision = epoch,
        });
        txn.Compare.Add(new Compare
        {
            Key = leader, Target = Compare.Types.CompareTarget.Value, Result = Compare.Types.CompareResult.Equal, Value = Value(node),
        });
        // ...then give it up.
        txn.Success.Add(new RequestOp { RequestDeleteRange = new DeleteRangeRequest { Key = leader } });
        var answer = await CallAsync("resign", (deadline, ct) => _etcd.KVClient.TxnAsync(txn, null, deadline, ct).ResponseAsync,
            cancellationToken);
        return answer.Succeeded;
    }

    public async Task PutMemberAsync(ClusterMember member, long leaseId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(member);
        var put = new PutRequest
        {
            Key = Key(_keys.Member(member.Node)),
            Value = ByteString.CopyFrom(JsonSerializer.SerializeToUtf8Bytes(member, ClusterJson.Default.ClusterMember)),
            Lease = leaseId,
        };
        await CallAsync("member put", (deadline, ct) => _etcd.KVClient.PutAsync(put, null, deadline, ct).ResponseAsync,
            cancellationToken, leaseId);
    }

    public async Task<IReadOnlyList<ClusterMember>> GetMembersAsync(CancellationToken cancellationToken)
    {
        var range = new RangeRequest
        {
            Key = Key(_keys.Members),
            RangeEnd = Key(EtcdClient.GetRangeEnd(_keys.Members)),
            SortTarget = RangeRequest.Types.SortTarget.Key,
            SortOrder = RangeRequest.Types.SortOrder.Ascend,
        };
        var answer = await CallAsync("members get", (deadline, ct) => _etcd.KVClient.RangeAsync(range, null, deadline, ct).ResponseAsync,
            cancellationToken);
        var members = new List<ClusterMember>(answer.Kvs.Count);
        foreach (var kv in answer.Kvs)
        {
            if (ParseMember(kv) is { } member) members.Add(member);
        }
        return members;
    }

    public async Task RequestSwitchoverAsync(string targetNode, CancellationToken cancellationToken)
    {
        ClusterKeys.RequireName(targetNode, nameof(targetNode));
        var put = new PutRequest { Key = Key(_keys.Switchover), Value = Value(targetNode) };
        await CallAsync("switchover put", (deadline, ct) => _etcd.KVClient.PutAsync(put, null, deadline, ct).ResponseAsync,
            cancellationToken);
    }

    public async Task<string?> GetSwitchoverAsync(CancellationToken cancellationToken)
    {
        var range = new RangeRequest { Key = Key(_keys.Switchover) };
        var answer = await CallAsync("switchover get", (deadline, ct) => _etcd.KVClient.RangeAsync(range, null, deadline, ct).ResponseAsync,
            cancellationToken);
        return answer.Kvs.FirstOrDefault()?.Value.ToStringUtf8();
    }

    public async Task<bool> ClearSwitchoverAsync(string targetNode, CancellationToken cancellationToken)
    {
        ClusterKeys.RequireName(targetNode, nameof(targetNode));
        var key = Key(_keys.Switchover);
        var txn = new TxnRequest();
        txn.Compare.Add(new Compare
        {
            Key = key, Target = Compare.Types.CompareTarget.Value, Result = Compare.Types.CompareResult.Equal, Value = Value(targetNode),
        });
        txn.Success.Add(new RequestOp { RequestDeleteRange = new DeleteRangeRequest { Key = key } });
        var answer = await CallAsync("switchover clear", (deadline, ct) => _etcd.KVClient.TxnAsync(txn, null, deadline, ct).ResponseAsync,
            cancellationToken);
        return answer.Succeeded;
    }

    public void Dispose()
    {
        if (_disposed.IsCancellationRequested) return;
        _disposed.Cancel(); // ends the watches' pumps before their channel goes
        _client.Dispose();
        _disposed.Dispose();
    }

    /// <summary>The leader key and the revision the read was served at (a watch resumes right after it).</summary>
    private async Task<(LeaderInfo? Leader, long Revision)> ReadLeaderAsync(CancellationToken cancellationToken)
    {
        var range = new RangeRequest { Key = Key(_keys.Leader) };
        var answer = await CallAsync("leader get", (deadline, ct) => _etcd.KVClient.RangeAsync(range, null, deadline, ct).ResponseAsync,
            cancellationToken);
        return (answer.Kvs.FirstOrDefault() is { } kv ? Leader(kv) : null, answer.Header.Revision);
    }

    /// <summary>Runs one call under a fresh deadline and turns etcd's failures into this port's exceptions; a call that
    /// names a lease passes its id, for the <see cref="LeaseNotFoundException"/> etcd's "lease not found" becomes.</summary>
    private async Task<T> CallAsync<T>(string what, Func<DateTime, CancellationToken, Task<T>> call, CancellationToken cancellationToken,
        long? leaseId = null)
    {
        ObjectDisposedException.ThrowIf(_disposed.IsCancellationRequested, this);
        var deadline = DateTime.UtcNow + _callTimeout;
        try
        {
            return await call(deadline, cancellationToken);
        }
        catch (RpcException e) when (e.StatusCode == StatusCode.NotFound && IsLeaseNotFound(e))
        {
            throw new LeaseNotFoundException(leaseId ?? 0, e);
        }
        catch (RpcException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw new CoordinationException($"etcd {what} failed: {e.StatusCode} {e.Status.Detail}", e);
        }
        catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            // Not the caller's cancellation: the call's own deadline, seen as a cancellation by a stream operation.
            throw new CoordinationException($"etcd {what} did not answer within {_callTimeout.TotalMilliseconds:0} ms", e);
        }
    }

    // etcd's "etcdserver: requested lease not found" (rpctypes.ErrGRPCLeaseNotFound); NotFound has no other use in the
    // calls made here.
    private static bool IsLeaseNotFound(RpcException e) => e.Status.Detail.Contains("lease not found", StringComparison.Ordinal);

    private static LeaderInfo Leader(KeyValue kv) => new(kv.Value.ToStringUtf8(), kv.CreateRevision, kv.Lease);

    private ClusterMember? ParseMember(KeyValue kv)
    {
        try
        {
            var member = JsonSerializer.Deserialize(kv.Value.Span, ClusterJson.Default.ClusterMember);
            // The generated reader leaves a missing string null whatever the record says; such a record is unusable.
            if (member is { Node: not null, Http: not null, Replication: not null, Role: not null }) return member;
            _logger.LogWarning("Ignoring etcd member record {Key}: fields missing", kv.Key.ToStringUtf8());
            return null;
        }
        catch (JsonException e)
        {
            // One unreadable record (written by something else, or a later version) must not blind failover to the others.
            _logger.LogWarning(e, "Ignoring etcd member record {Key}: not a member's JSON", kv.Key.ToStringUtf8());
            return null;
        }
    }

    private static ByteString Key(string key) => ByteString.CopyFromUtf8(key);

    private static ByteString Value(string value) => ByteString.CopyFromUtf8(value);
}
