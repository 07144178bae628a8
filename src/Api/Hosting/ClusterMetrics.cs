using Prometheus;
using Spartan.Replication.Cluster;

namespace Spartan.Api.Hosting;

/// <summary>A cluster node's role, epoch, lease renewals and role changes (SPEC §13), read from its
/// <see cref="ClusterNode"/> when a scrape begins.</summary>
internal sealed class ClusterMetrics(IMetricFactory factory, ClusterCoordination cluster)
{
    private readonly Gauge _role = factory.CreateGauge("spartan_cluster_role", "1 on the cluster's primary, 0 elsewhere.");
    private readonly Gauge _epoch = factory.CreateGauge("spartan_cluster_epoch", "The epoch of the leadership this node last saw.");
    private readonly Counter _renewals = factory.CreateCounter("spartan_cluster_lease_renewals_total",
        "Renewals of this node's etcd lease, by result (ok, failed).", ["result"]);
    private readonly Counter _changes = factory.CreateCounter("spartan_cluster_role_changes_total",
        "Times this node became primary or stepped down.");

    public void Update()
    {
        if (cluster.Node is not { } node) return;
        _role.Set(node.Role == ClusterRole.Primary ? 1 : 0);
        _epoch.Set(node.Epoch);
        var (renewals, failures, changes) = node.Counters;
        _renewals.WithLabels("ok").IncTo(renewals);
        _renewals.WithLabels("failed").IncTo(failures);
        _changes.IncTo(changes);
    }
}
