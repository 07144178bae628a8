using Prometheus;
using Spartan.Api.Http;
using Spartan.Domain;
using Spartan.Domain.Events;
using Spartan.Engine;

namespace Spartan.Api.Hosting;

/// <summary>The Prometheus metrics of SPEC §8 in a registry of this node's own (never the static default, so two
/// nodes in one process do not mix): messages per queue and state, operation counters, store write latency.</summary>
/// <remarks>Counters are fed by <see cref="Committed"/>, which runs on the commit loop after each write, so it only
/// bumps pre-resolved counters. Gauges are read from the broker when a scrape begins.</remarks>
public sealed class NodeMetrics : ICommitObserver
{
    private readonly Dictionary<string, QueueCounters> _byQueue = new(StringComparer.Ordinal);
    private readonly Histogram _writeSeconds;
    private readonly Histogram _batchEvents;
    private readonly Gauge _messages;
    private readonly Gauge _parked;
    private readonly Counter _pushed, _reserved, _deleted, _requeued, _expired, _deadLettered;

    public NodeMetrics(Broker broker, DeclaredQueues queues, ReplicationLinks links, NodeStorage storage, TimeProvider time,
        ClusterCoordination? cluster = null)
    {
        Registry = Metrics.NewCustomRegistry();
        // process_* and dotnet_*: CPU, memory, threads, GC collections, as every .NET service exports them.
        DotNetStats.Register(Registry);
        var factory = Metrics.WithCustomRegistry(Registry);
        Factory = factory;
        factory.CreateGauge("spartan_build_info", "Always 1; the version label names the build.", "version")
            .WithLabels(NodeInfo.BuildVersion).Set(1);
        var writable = factory.CreateGauge("spartan_storage_writable",
            "1 while the store takes writes; 0 after a write it refused (a full disk) until it takes them again.");
        var oldest = factory.CreateGauge("spartan_queue_oldest_visible_age_seconds",
            "How long the message that has been visible longest has waited (0 when none is visible).", "queue");
        _batchEvents = factory.CreateHistogram("spartan_commit_batch_events", "Events per group-committed write.",
            new HistogramConfiguration { Buckets = Histogram.ExponentialBuckets(1, 2, 13) });
        Http = new HttpMetrics(factory);
        string[] queue = ["queue"];
        _pushed = factory.CreateCounter("spartan_pushed_total", "Messages pushed.", queue);
        _reserved = factory.CreateCounter("spartan_popped_total", "Messages reserved by pops (batch pops and long polls included).", queue);
        _deleted = factory.CreateCounter("spartan_deleted_total", "Messages deleted.", queue);
        _requeued = factory.CreateCounter("spartan_requeued_total", "Reservations handed back by requeue.", queue);
        _expired = factory.CreateCounter("spartan_expired_total", "Reservations that ran out.", queue);
        _deadLettered = factory.CreateCounter("spartan_dead_lettered_total", "Exhausted messages moved to a dead-letter queue.", queue);
        _messages = factory.CreateGauge("spartan_messages", "Messages held, by queue and state.", "queue", "state");
        _parked = factory.CreateGauge("spartan_long_poll_waiting", "Consumers parked in long polls.");
        _writeSeconds = factory.CreateHistogram("spartan_store_write_seconds", "Time to append one group-committed batch to the store.",
            new HistogramConfiguration { Buckets = Histogram.ExponentialBuckets(0.00001, 2, 20) });

        var lagEvents = factory.CreateGauge("spartan_replication_lag_events", "Committed events a replica has not acknowledged yet.", "replica");
        var lagSeconds = factory.CreateGauge("spartan_replication_lag_seconds", "Age of the oldest event a replica has not acknowledged.", "replica");
        var connected = factory.CreateGauge("spartan_replication_connected", "1 while the link to a replica is up.", "replica");
        var following = links.Replica is null ? null : factory.CreateGauge("spartan_replica_primary_connected",
            "Replica: 1 while its primary's stream is being applied.");
        var applied = links.Replica is null ? null : factory.CreateGauge("spartan_replica_applied_sequence",
            "Replica: the last sequence applied and stored.");
        var behind = links.Replica is null ? null : factory.CreateGauge("spartan_replica_lag_seconds",
            "Replica: how far behind its primary it is (while disconnected: since it last heard from it).");

        var clusterMetrics = cluster is null ? null : new ClusterMetrics(factory, cluster);
        foreach (var name in queues.InOrder) For(name);
        Registry.AddBeforeCollectCallback(async cancel =>
        {
            var stats = await broker.StatsAsync(broker.QueueNamesNow());
            writable.Set(broker.Writable && storage.Store?.Writable != false ? 1 : 0);
            DropDeleted(stats, oldest, _messages);
            foreach (var s in stats)
            {
                oldest.WithLabels(s.Name).Set(s.OldestVisibleAgeSeconds ?? 0);
                _messages.WithLabels(s.Name, "available").Set(s.Counts.Available);
                _messages.WithLabels(s.Name, "delayed").Set(s.Counts.Delayed);
                _messages.WithLabels(s.Name, "in_flight").Set(s.Counts.InFlight);
                _messages.WithLabels(s.Name, "exhausted").Set(s.Counts.Exhausted);
            }

            _parked.Set(broker.ParkedConsumers);
            clusterMetrics?.Update();
            var now = NodaTime.Instant.FromDateTimeOffset(time.GetUtcNow());
            foreach (var replica in links.Replicas)
            {
                lagEvents.WithLabels(replica.Destination).Set(replica.LagEvents);
                lagSeconds.WithLabels(replica.Destination).Set(replica.LagSeconds(now));
                connected.WithLabels(replica.Destination).Set(replica.Connected ? 1 : 0);
            }

            if (links.Replica?.Status.Read(now) is { } view)
            {
                following!.Set(view.Connected ? 1 : 0);
                applied!.Set(view.Applied);
                behind!.Set(view.LagSeconds);
            }
        });
    }

    public CollectorRegistry Registry { get; }

    /// <summary>Makes more metrics in this node's registry.</summary>
    public IMetricFactory Factory { get; }

    /// <summary>Requests answered, by route template and status.</summary>
    public HttpMetrics Http { get; }

    public void Committed(IReadOnlyList<SequencedEvent> events, TimeSpan writeTime)
    {
        _writeSeconds.Observe(writeTime.TotalSeconds);
        _batchEvents.Observe(events.Count);
        foreach (var (_, e) in events)
        {
            if (e is QueueDeleted)
            {
                Forget(e.Queue);
                continue;
            }

            var counters = For(e.Queue);
            switch (e)
            {
                case MessagePushed: counters.Pushed.Inc(); break;
                case MessageReserved: counters.Reserved.Inc(); break;
                case MessageDeleted: counters.Deleted.Inc(); break;
                case MessageRequeued: counters.Requeued.Inc(); break;
                case ReservationExpired: counters.Expired.Inc(); break;
                case MessageDeadLettered: counters.DeadLettered.Inc(); break;
            }
        }
    }

    /// <summary>A deleted queue's counters go with it (SPEC §10), so a dashboard does not show queues that are gone; one
    /// created again under the same name starts from zero, as a Prometheus counter reset.</summary>
    private void Forget(string queue)
    {
        if (!_byQueue.Remove(queue, out var counters)) return;
        counters.Pushed.Remove();
        counters.Reserved.Remove();
        counters.Deleted.Remove();
        counters.Requeued.Remove();
        counters.Expired.Remove();
        counters.DeadLettered.Remove();
    }

    /// <summary>Removes the gauges of queues that no longer exist; the scrape sets those of the rest.</summary>
    private static void DropDeleted(QueueStats[] stats, Gauge oldest, Gauge messages)
    {
        var names = new HashSet<string>(stats.Length, StringComparer.Ordinal);
        foreach (var s in stats) names.Add(s.Name);
        foreach (var labels in oldest.GetAllLabelValues())
            if (!names.Contains(labels[0])) oldest.RemoveLabelled(labels);
        foreach (var labels in messages.GetAllLabelValues())
            if (!names.Contains(labels[0])) messages.RemoveLabelled(labels);
    }

    private QueueCounters For(string queue)
    {
        if (_byQueue.TryGetValue(queue, out var counters)) return counters;
        counters = new QueueCounters(_pushed.WithLabels(queue), _reserved.WithLabels(queue), _deleted.WithLabels(queue),
            _requeued.WithLabels(queue), _expired.WithLabels(queue), _deadLettered.WithLabels(queue));
        _byQueue[queue] = counters;
        return counters;
    }

    private sealed record QueueCounters(Counter.Child Pushed, Counter.Child Reserved, Counter.Child Deleted,
        Counter.Child Requeued, Counter.Child Expired, Counter.Child DeadLettered);
}
