using System.CommandLine;
using Spartan.Api.Configuration;
using Spartan.Api.Hosting;
using Spartan.Replication.Cluster;

namespace Spartan.Api.Cli;

/// <summary><c>spartan cluster switchover --to NODE</c> (SPEC §13): asks the primary, through etcd, to hand the
/// leadership to NODE once NODE holds every committed event, and waits until NODE leads.</summary>
/// <remarks>Exit 0 once NODE holds the leader key; 1 when etcd cannot be reached or NODE does not lead within the wait
/// (the request is then withdrawn, so it does not fire later by surprise); 2 for a configuration without
/// <c>[cluster]</c> or a NODE that is not a live member.</remarks>
public static class ClusterCommand
{
    /// <summary>How long the command waits for the new leader: a primary gives up a handover after
    /// <see cref="ClusterNode.HandoverLimit"/>, and the target then needs a tick or two to take the key.</summary>
    public static readonly TimeSpan Wait = ClusterNode.HandoverLimit + TimeSpan.FromSeconds(15);

    public static Command Build(Option<string> config, TextWriter output, TextWriter error)
    {
        var to = new Option<string>("--to") { Description = "The member to hand the leadership to", Required = true };
        var switchover = new Command("switchover", "Hand the primary's role to another member once it has caught up") { to };
        switchover.SetAction((parsed, ct) => SwitchoverAsync(parsed.GetValue(config)!, parsed.GetValue(to)!, output, error, ct));
        return new Command("cluster", "Operate a cluster of nodes coordinated by etcd") { switchover };
    }

    public static async Task<int> SwitchoverAsync(string configPath, string target, TextWriter output, TextWriter error, CancellationToken ct)
    {
        if (SpartanCli.LoadConfig(configPath, error) is not { } config) return SpartanCli.Usage;

        if (config.Cluster is not { } cluster)
        {
            await error.WriteLineAsync($"{config.SourcePath}: no [cluster] section: switchover needs a cluster coordinated by etcd.");
            return SpartanCli.Usage;
        }

        using var etcd = new EtcdCoordination(cluster.Name, cluster.Etcd, cluster.Ttl / 3);
        try
        {
            var members = await etcd.GetMembersAsync(ct);
            if (members.All(m => m.Node != target))
            {
                await error.WriteLineAsync($"{target} is not a live member of cluster {cluster.Name} (members: " +
                                           $"{string.Join(", ", members.Select(m => m.Node))}).");
                return SpartanCli.Usage;
            }

            if (await etcd.GetLeaderAsync(ct) is { } current && current.Node == target)
            {
                await output.WriteLineAsync($"{target} already leads cluster {cluster.Name} (epoch {current.Epoch}).");
                return SpartanCli.Ok;
            }

            await etcd.RequestSwitchoverAsync(target, ct);
            await output.WriteLineAsync($"Asked the primary of {cluster.Name} to hand over to {target}; waiting up to {Wait.TotalSeconds:0} s.");
            using var bound = CancellationTokenSource.CreateLinkedTokenSource(ct);
            bound.CancelAfter(Wait);
            try
            {
                await foreach (var change in etcd.WatchLeaderAsync(bound.Token))
                {
                    if (change.Leader is { } leader && leader.Node == target)
                    {
                        await output.WriteLineAsync($"{target} leads cluster {cluster.Name} (epoch {leader.Epoch}).");
                        return SpartanCli.Ok;
                    }
                }
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                // the wait is over
            }

            await etcd.ClearSwitchoverAsync(target, CancellationToken.None);
            await error.WriteLineAsync($"{target} did not take the leadership within {Wait.TotalSeconds:0} s; the request was withdrawn " +
                                       "(the primary logs why: the target did not catch up, or left).");
            return SpartanCli.Failure;
        }
        catch (CoordinationException unreachable)
        {
            await error.WriteLineAsync($"etcd ({string.Join(", ", cluster.Etcd)}) cannot be reached: {unreachable.Message}");
            return SpartanCli.Failure;
        }
    }
}
