using System.Reflection;
using Spartan.Api.Configuration;

namespace Spartan.Api.Hosting;

/// <summary>Who this node is: its role in replication and the build's version.</summary>
public sealed record NodeInfo(string Role, string Version)
{
    public const string ReplicaRole = "replica";

    /// <summary>A cluster node's role changes while it runs; <c>/_/health</c> and <c>/_/cluster</c> say which it has.</summary>
    public const string ClusterRole = "cluster";

    public static string BuildVersion { get; } = ReadVersion();

    public static NodeInfo For(SpartanConfig config) => new(
        config.Replication?.Mode switch
        {
            ReplicationMode.Primary => "primary",
            ReplicationMode.Replica => ReplicaRole,
            ReplicationMode.Cluster => ClusterRole,
            _ => "standalone",
        },
        BuildVersion);

    private static string ReadVersion()
    {
        var version = typeof(NodeInfo).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()
            ?.InformationalVersion ?? "0.0.0";
        var plus = version.IndexOf('+', StringComparison.Ordinal);
        return plus < 0 ? version : version[..plus];
    }
}
