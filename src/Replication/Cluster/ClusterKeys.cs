namespace Spartan.Replication.Cluster;

/// <summary>The etcd keys of one cluster, all under <c>/spartan/&lt;name&gt;/</c> so several clusters share an etcd.</summary>
internal sealed class ClusterKeys
{
    public ClusterKeys(string name)
    {
        RequireName(name, nameof(name));
        Prefix = $"/spartan/{name}/";
    }

    public string Prefix { get; }

    /// <summary>Held, on its lease, by the primary; its create revision is the epoch.</summary>
    public string Leader => Prefix + "leader";

    /// <summary>Every member key starts with this.</summary>
    public string Members => Prefix + "members/";

    /// <summary>The node an operator asked to hand the leadership to.</summary>
    public string Switchover => Prefix + "switchover";

    public string Member(string node)
    {
        RequireName(node, nameof(node));
        return Members + node;
    }

    /// <summary>A name is one path segment: a '/' in it would put a node's key inside another's range.</summary>
    public static void RequireName(string name, string parameter)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name, parameter);
        if (name.Contains('/', StringComparison.Ordinal))
            throw new ArgumentException($"'{name}' may not contain '/': it is one segment of an etcd key", parameter);
    }
}
