namespace Spartan.Api.Configuration;

/// <summary>The validated contents of a <c>Spartan.toml</c> file (SPEC §4).</summary>
/// <param name="SourcePath">Absolute path of the file read.</param>
/// <param name="Queues">Declared queue names, in file order, each once.</param>
/// <param name="BodySize">Largest message body in bytes (UTF-8 body plus client attributes).</param>
/// <param name="GcTimerSeconds">Seconds between GC cycles.</param>
/// <param name="Persistence">The <c>[persistence]</c> table; <c>null</c> means in memory only.</param>
/// <param name="QueueSettings">Per-queue defaults keyed by queue name (ordinal); empty when none.</param>
/// <param name="AccessKeys">Access keys; empty means anonymous access.</param>
/// <param name="Replication">The <c>[replication]</c> table; <c>null</c> when absent.</param>
/// <param name="Tls">The <c>[tls]</c> table; <c>null</c> when the HTTP listener speaks plain HTTP.</param>
public sealed record SpartanConfig(
    string SourcePath,
    IReadOnlyList<string> Queues,
    int BodySize,
    int GcTimerSeconds,
    PersistenceConfig? Persistence,
    IReadOnlyDictionary<string, QueueSettingsConfig> QueueSettings,
    IReadOnlyList<AccessKeyConfig> AccessKeys,
    ReplicationConfig? Replication,
    TlsConfig? Tls)
{
    /// <summary><c>allow_runtime_queues</c> (SPEC §10): whether queues may be created, changed and deleted through the
    /// API; default true.</summary>
    public bool AllowRuntimeQueues { get; init; } = true;

    /// <summary><c>max_queues</c>: how many queues may exist, declared and runtime; default 10000.</summary>
    public int MaxQueues { get; init; } = ConfigRules.DefaultMaxQueues;

    /// <summary>The <c>[sqs]</c> table (SPEC §11); its defaults when absent.</summary>
    public SqsConfig Sqs { get; init; } = SqsConfig.Default;

    /// <summary>The <c>[cluster]</c> table (SPEC §13); null without one (static replication, §7). With one,
    /// <see cref="Replication"/> is always set, in <see cref="ReplicationMode.Cluster"/>.</summary>
    public ClusterConfig? Cluster { get; init; }
}

/// <summary>The <c>[sqs]</c> table: the SQS-compatible endpoint (SPEC §11).</summary>
/// <param name="Enabled"><c>enabled</c>, default true.</param>
/// <param name="PublicUrl"><c>public_url</c>: the base of queue URLs, without a trailing slash; empty means the scheme
/// and <c>Host</c> of each request.</param>
/// <param name="AccountId"><c>account_id</c>: 12 digits, default 000000000000.</param>
/// <param name="Region"><c>region</c>, default us-east-1: in ARNs, and the region signatures must name.</param>
public sealed record SqsConfig(bool Enabled, string PublicUrl, string AccountId, string Region)
{
    public static SqsConfig Default { get; } = new(true, "", "000000000000", "us-east-1");
}

/// <summary>How the store keeps state on disk: <c>persistence.mode</c>.</summary>
public enum PersistenceMode
{
    /// <summary>The whole state is folded into a snapshot every <c>timer</c> seconds and at shutdown.</summary>
    Snapshot,

    /// <summary>Every event is written to the event log before the client gets its reply.</summary>
    Log,
}

/// <summary>When log-mode writes are synced to disk: <c>persistence.fsync</c>.</summary>
public enum FsyncPolicy
{
    /// <summary>Every acknowledged write is synced (group commit).</summary>
    Always,

    /// <summary>Writes are left to the operating system.</summary>
    Never,
}

/// <summary>The <c>[persistence]</c> table.</summary>
/// <param name="Mode"><c>mode</c>, default snapshot.</param>
/// <param name="Path"><c>path</c> resolved against the config file's folder (absolute).</param>
/// <param name="TimerSeconds"><c>timer</c>, default 900.</param>
/// <param name="Compaction"><c>compaction</c>, default true.</param>
/// <param name="Fsync"><c>fsync</c>, default always.</param>
/// <param name="BackupPath"><c>backup_path</c> (absolute): where <c>POST /_/backup</c> makes its folders; default
/// <c>backups</c> beside the data folder.</param>
public sealed record PersistenceConfig(
    PersistenceMode Mode,
    string Path,
    int TimerSeconds,
    bool Compaction,
    FsyncPolicy Fsync,
    string BackupPath);

/// <summary>A <c>[queue_settings.NAME]</c> table; a <c>null</c> member was not set.</summary>
public sealed record QueueSettingsConfig(string? DeadLetter, uint? MaxTries, uint? Timeout, uint? Delay);

/// <summary>One <c>[[access_keys]]</c> entry; a queue of <c>"*"</c> means every queue.</summary>
public sealed record AccessKeyConfig(string Key, IReadOnlyList<string> Queues)
{
    /// <summary><c>id</c>: the access key id an SQS client signs with, <c>key</c> being its secret (SPEC §11); null
    /// when the key is not used over SQS.</summary>
    public string? Id { get; init; }

    /// <summary>The queue name that grants every queue.</summary>
    public const string Wildcard = "*";
}

/// <summary>The role of this node: <c>replication.mode</c>.</summary>
public enum ReplicationMode
{
    /// <summary>Streams its events to every destination.</summary>
    Primary,

    /// <summary>Receives a primary's stream.</summary>
    Replica,

    /// <summary>Either, as etcd decides (<c>[cluster]</c>, SPEC §13): the table holds only the link's secret and TLS.</summary>
    Cluster,
}

/// <summary>The <c>[replication]</c> table. Both sub-tables may be present; the one matching <see cref="Mode"/> always is.</summary>
public sealed record ReplicationConfig(
    ReplicationMode Mode,
    string? Secret,
    PrimaryConfig? Primary,
    ReplicaConfig? Replica,
    ReplicationTlsConfig? Tls = null);

/// <summary>The <c>[tls]</c> table (SPEC §12): with it the HTTP listener speaks HTTPS only. Paths are absolute,
/// resolved against the configuration file's folder; whether the files exist is checked when the node starts.</summary>
/// <param name="Cert"><c>cert</c>: the PEM certificate chain, the server's own certificate first.</param>
/// <param name="Key"><c>key</c>: the PEM private key of that certificate.</param>
/// <param name="ClientCa"><c>client_ca</c>: when set, clients must present a certificate that chains to this CA.</param>
public sealed record TlsConfig(string Cert, string Key, string? ClientCa);

/// <summary>The <c>[replication.tls]</c> table (SPEC §12): mutual TLS on the replication link.</summary>
/// <param name="Cert"><c>cert</c>: this node's PEM certificate chain.</param>
/// <param name="Key"><c>key</c>: its PEM private key.</param>
/// <param name="Ca"><c>ca</c>: the peer's certificate must chain to this CA.</param>
public sealed record ReplicationTlsConfig(string Cert, string Key, string Ca);

/// <summary>The <c>[replication.primary]</c> table.</summary>
/// <param name="Destinations"><c>destination</c>: replicas as validated <c>host:port</c> strings.</param>
/// <param name="ReplicationTimerSeconds"><c>replication_timer</c>, default 180.</param>
/// <param name="TryTimerSeconds"><c>try_timer</c>, default 10.</param>
public sealed record PrimaryConfig(
    IReadOnlyList<string> Destinations,
    int ReplicationTimerSeconds,
    int TryTimerSeconds);

/// <summary>The <c>[replication.replica]</c> table.</summary>
/// <param name="Host"><c>host</c>: validated <c>host:port</c> where the replica listens.</param>
/// <param name="TryTimerSeconds"><c>try_timer</c>, default 5.</param>
public sealed record ReplicaConfig(string Host, int TryTimerSeconds);

/// <summary>
/// Thrown for every configuration problem. <see cref="Exception.Message"/> reads
/// <c>&lt;file&gt;: &lt;key path&gt;: &lt;what is wrong&gt;</c>; the CLI prints it and exits 2.
/// </summary>
public sealed class ConfigException : Exception
{
    public ConfigException()
    {
    }

    public ConfigException(string message)
        : base(message)
    {
    }

    public ConfigException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
