namespace Spartan.Api.Configuration;

/// <summary>Reads and validates the <c>[cluster]</c> table (SPEC §13).</summary>
internal static class ClusterSection
{
    public static ClusterConfig Read(ConfigTable table)
    {
        table.RejectUnknownKeys("name", "node", "etcd", "ttl", "advertise_http", "advertise_replication", "ack");
        var name = table.RequiredString("name", "the cluster's name, e.g. \"prod\"");
        // Both end up inside etcd keys (/spartan/<name>/members/<node>): a '/' would make another key's prefix.
        if (!ConfigRules.IsValidQueueName(name)) throw table.ErrorAt("name", NameRule(name));
        var node = table.RequiredString("node", "this node's name, unique in the cluster");
        if (!ConfigRules.IsValidQueueName(node)) throw table.ErrorAt("node", NameRule(node));

        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var etcd = table.StringArray("etcd", "a non-empty array of etcd URLs, e.g. [\"http://127.0.0.1:2379\"]", (itemPath, value) =>
        {
            // Plain http only for now: TLS to etcd (client certificates) is not wired, and a start must not fail later on it.
            if (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || uri.Scheme != Uri.UriSchemeHttp
                || uri.AbsolutePath != "/" || uri.Query.Length > 0 || uri.Fragment.Length > 0 || uri.UserInfo.Length > 0)
                throw table.Error(itemPath, $"expected the http:// URL of an etcd endpoint (https is not supported yet), got {ConfigRules.Describe(value)}");
            if (!seen.Add(value.TrimEnd('/'))) throw table.Error(itemPath, $"{ConfigRules.Quote(value)} is listed twice");
        });

        var ttl = table.PositiveInt("ttl", ClusterConfig.DefaultTtlSeconds, ClusterConfig.MaxTtlSeconds);
        if (ttl < ClusterConfig.MinTtlSeconds)
            throw table.ErrorAt("ttl", $"is {ttl}, below {ClusterConfig.MinTtlSeconds} seconds: the primary stops taking writes "
                + "one second before its lease can run out, and etcd grants no shorter lease");

        var http = table.RequiredString("advertise_http", "the \"host:port\" clients and peers reach this node's HTTP on");
        ConfigLoader.CheckHostPort(table, table.KeyPath("advertise_http"), http, anyPort: true);
        var replication = table.RequiredString("advertise_replication", "the \"host:port\" this node receives the primary's stream on");
        ConfigLoader.CheckHostPort(table, table.KeyPath("advertise_replication"), replication, anyPort: true);
        var ack = table.Choice<ClusterAck>("ack", ClusterAck.Local, ("local", ClusterAck.Local), ("replica", ClusterAck.Replica));
        return new ClusterConfig(name, node, etcd, ttl, http, replication, ack);
    }

    private static string NameRule(string value) =>
        $"expected letters, digits, '-' and '_' (1 to 80, starting with a letter or digit), got {ConfigRules.Describe(value)}";
}
