using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Etcdserverpb;
using Grpc.Core;
using Microsoft.Extensions.Logging;
using Mvccpb;

namespace Spartan.Replication.Cluster;

/// <summary>The leader watch: read the key, watch it from the next revision, and on any break read and watch again.</summary>
public sealed partial class EtcdCoordination
{
    private static readonly TimeSpan FirstRetry = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan LastRetry = TimeSpan.FromSeconds(1);

    // etcd's clientv3.WithRequireLeader: a member that loses its raft leader (cut off from a multi-node etcd) ends the
    // watch, rather than keep it open while others elect a new primary it never hears of.
    private static readonly Metadata RequireLeader = new() { { "hasleader", "true" } };

    public async IAsyncEnumerable<LeaderChange> WatchLeaderAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed.IsCancellationRequested, this);
        // A pump fills a channel so that its try/catch (which cannot hold a yield) stays apart from this iterator.
        var changes = Channel.CreateUnbounded<LeaderChange>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _disposed.Token);
        var pump = PumpLeaderAsync(changes.Writer, stop.Token);
        try
        {
            await foreach (var change in changes.Reader.ReadAllAsync(stop.Token)) yield return change;
        }
        finally
        {
            await stop.CancelAsync();
            await pump; // ends without throwing once stopped
        }
    }

    private async Task PumpLeaderAsync(ChannelWriter<LeaderChange> changes, CancellationToken stop)
    {
        var reporter = new LeaderReporter(changes);
        var retry = FirstRetry;
        var failing = false;
        while (!stop.IsCancellationRequested)
        {
            try
            {
                // Read first, then watch from the revision after the read: a change between the two is delivered by the
                // watch, and whatever happened while disconnected shows in the read.
                var (leader, revision) = await ReadLeaderAsync(stop);
                reporter.Report(leader, revision);
                await WatchLeaderFromAsync(revision + 1, reporter, onWatching: () =>
                {
                    if (failing) LogWatchResumed(_logger, revision);
                    failing = false;
                    retry = FirstRetry;
                }, stop);
                // The stream ended without an error (etcd cancelled the watch, e.g. compacted past it): read again after
                // the short pause below, so a stream etcd keeps ending cannot spin.
            }
            catch (Exception) when (stop.IsCancellationRequested)
            {
                // Stopping: the stream ends as a cancellation, or as whatever the connection was doing meanwhile.
                break;
            }
            catch (Exception e)
            {
                // Whatever broke this round (etcd's error, a lost connection, the setup bound, or an exception of the
                // gRPC stack's own), the watch must go on: a node that stops hearing of leader changes never fails over.
                // First failure of an outage at Warning, the retries quieter: a long etcd outage must not flood the log.
                if (!failing) LogWatchBroke(_logger, e);
                else LogWatchStillFailing(_logger, e);
                failing = true;
            }

            try { await Task.Delay(retry, stop); }
            catch (OperationCanceledException) { break; }
            retry = TimeSpan.FromTicks(Math.Min(retry.Ticks * 2, LastRetry.Ticks));
        }
        changes.TryComplete();
    }

    /// <summary>One watch stream on the leader key from <paramref name="startRevision"/>, until it ends or fails.</summary>
    private async Task WatchLeaderFromAsync(long startRevision, LeaderReporter reporter, Action onWatching, CancellationToken stop)
    {
        // The stream itself has no deadline (it lasts as long as the watch), but setting it up does: etcd must confirm
        // the watch within a call's deadline, or this round is given up and the key read again.
        using var bound = CancellationTokenSource.CreateLinkedTokenSource(stop);
        bound.CancelAfter(_callTimeout);
        using var call = _etcd.WatchClient.Watch(RequireLeader, deadline: null, bound.Token);
        await call.RequestStream.WriteAsync(new WatchRequest
        {
            CreateRequest = new WatchCreateRequest { Key = Key(_keys.Leader), StartRevision = startRevision },
        }, bound.Token);
        while (await call.ResponseStream.MoveNext(bound.Token))
        {
            var answer = call.ResponseStream.Current;
            if (answer.Created)
            {
                bound.CancelAfter(Timeout.InfiniteTimeSpan); // set up: from here HTTP/2 pings watch the connection
                onWatching();
            }
            if (answer.Canceled)
            {
                LogWatchCancelled(_logger, startRevision, answer.CompactRevision, answer.CancelReason);
                return;
            }
            foreach (var change in answer.Events)
            {
                var leader = change.Type == Event.Types.EventType.Put ? Leader(change.Kv) : null;
                reporter.Report(leader, change.Kv.ModRevision);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "etcd leader watch broke; reading the leader key and watching again")]
    private static partial void LogWatchBroke(ILogger logger, Exception error);

    [LoggerMessage(Level = LogLevel.Debug, Message = "etcd leader watch still failing")]
    private static partial void LogWatchStillFailing(ILogger logger, Exception error);

    [LoggerMessage(Level = LogLevel.Information, Message = "etcd leader watch resumed at revision {Revision}")]
    private static partial void LogWatchResumed(ILogger logger, long revision);

    [LoggerMessage(Level = LogLevel.Information,
        Message = "etcd cancelled the leader watch from revision {Revision} (compacted to {Compacted}): {Reason}")]
    private static partial void LogWatchCancelled(ILogger logger, long revision, long compacted, string reason);

    /// <summary>Writes a change only when it differs from the last one written, so a re-read after a reconnect reports
    /// what was missed and nothing when nothing was.</summary>
    private sealed class LeaderReporter(ChannelWriter<LeaderChange> changes)
    {
        private bool _any;
        private LeaderInfo? _last;

        public void Report(LeaderInfo? leader, long revision)
        {
            if (_any && Equals(leader, _last)) return;
            _any = true;
            _last = leader;
            changes.TryWrite(new LeaderChange(leader, revision));
        }
    }
}
