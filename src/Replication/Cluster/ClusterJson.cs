using System.Text.Json.Serialization;

namespace Spartan.Replication.Cluster;

/// <summary>Source-generated JSON of the values Spartan keeps in etcd: no reflection, and snake_case like the HTTP API
/// (<c>{"node", "http", "replication", "applied", "epoch", "role"}</c>).</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(ClusterMember))]
internal sealed partial class ClusterJson : JsonSerializerContext;
