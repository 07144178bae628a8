using System.Collections.Frozen;
using System.Collections.ObjectModel;
using Tomlyn;
using Tomlyn.Model;
using Tomlyn.Parsing;
using Tomlyn.Syntax;

namespace Spartan.Api.Configuration;

/// <summary>Reads and validates <c>Spartan.toml</c> (SPEC §4); every problem is a <see cref="ConfigException"/>.</summary>
public static class ConfigLoader
{
    private const string QueueNamesWhat = "a non-empty array of queue names";

    /// <summary>Reads the file at <paramref name="path"/> and validates it.</summary>
    public static SpartanConfig Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        string file;
        try
        {
            file = Path.GetFullPath(path);
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException or PathTooLongException)
        {
            throw new ConfigException($"{ConfigRules.Quote(path)}: not a valid configuration file path", e);
        }

        if (Directory.Exists(file))
        {
            throw new ConfigException($"{file}: is a folder, not a configuration file");
        }

        if (!File.Exists(file))
        {
            throw new ConfigException($"{file}: configuration file not found (create one with `spartan init`)");
        }

        string text;
        try
        {
            text = File.ReadAllText(file);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ConfigException($"{file}: cannot read the configuration file: {e.Message}", e);
        }

        return Parse(text, file);
    }

    /// <summary>
    /// Validates TOML <paramref name="text"/>; <paramref name="path"/> names the file in messages
    /// and is the base of a relative <c>persistence.path</c>.
    /// </summary>
    public static SpartanConfig Parse(string text, string path)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        string file = Path.GetFullPath(path);
        var root = new ConfigTable(ReadToml(text, file), string.Empty, file);
        root.RejectUnknownKeys("queues", "body_size", "gc_timer", "persistence", "queue_settings", "access_keys", "replication", "tls",
            "allow_runtime_queues", "max_queues", "sqs", "cluster");

        bool runtimeQueues = root.Bool("allow_runtime_queues", defaultValue: true);
        IReadOnlyList<string> queues = ReadQueues(root, allowEmpty: runtimeQueues);
        int maxQueues = root.PositiveInt("max_queues", ConfigRules.DefaultMaxQueues, ConfigRules.MaxMaxQueues);
        if (maxQueues < queues.Count)
        {
            throw root.ErrorAt("max_queues", $"is {maxQueues}, below the {queues.Count} queues declared in queues");
        }

        FrozenSet<string> declared = queues.ToFrozenSet(StringComparer.Ordinal);
        int bodySize = root.PositiveInt("body_size", ConfigRules.DefaultBodySize, ConfigRules.MaxBodySize);
        int gcTimer = root.PositiveInt("gc_timer", ConfigRules.DefaultGcTimer, ConfigRules.MaxTimerSeconds);
        PersistenceConfig? persistence = root.OptionalTable("persistence") is { } p ? ReadPersistence(p) : null;
        IReadOnlyDictionary<string, QueueSettingsConfig> settings = ReadQueueSettings(root, declared);
        IReadOnlyList<AccessKeyConfig> accessKeys = ReadAccessKeys(root, declared);
        ClusterConfig? cluster = root.OptionalTable("cluster") is { } c ? ClusterSection.Read(c) : null;
        ReplicationConfig? replication = root.OptionalTable("replication") is { } r ? ReadReplication(r, cluster is not null)
            : cluster is not null ? new ReplicationConfig(ReplicationMode.Cluster, null, null, null) : null;
        TlsConfig? tls = root.OptionalTable("tls") is { } t ? ReadTls(t) : null;
        SqsConfig sqs = root.OptionalTable("sqs") is { } q ? ReadSqs(q) : SqsConfig.Default;

        return new SpartanConfig(file, queues, bodySize, gcTimer, persistence, settings, accessKeys, replication, tls)
        {
            AllowRuntimeQueues = runtimeQueues,
            MaxQueues = maxQueues,
            Sqs = sqs,
            Cluster = cluster,
        };
    }

    private static TomlTable ReadToml(string text, string file)
    {
        if (text.StartsWith('\uFEFF'))
        {
            text = text[1..];
        }

        var options = new TomlSerializerOptions
        {
            SourceName = file,
            DuplicateKeyHandling = TomlDuplicateKeyHandling.Error,
        };
        try
        {
            // The syntax pass reports what the model pass tolerates (a key or table defined twice).
            DocumentSyntax document = SyntaxParser.Parse(text, options, file, validate: true);
            foreach (DiagnosticMessage diagnostic in document.Diagnostics)
            {
                if (diagnostic.Kind == DiagnosticMessageKind.Error)
                {
                    throw SyntaxError(file, diagnostic.Span.Start.Line + 1, diagnostic.Span.Start.Column + 1, diagnostic.Message);
                }
            }

            return TomlSerializer.Deserialize<TomlTable>(text, options) ?? [];
        }
        catch (TomlException e)
        {
            string message = e.Diagnostics is { Count: > 0 } bag ? bag[0].Message : e.Message;
            throw SyntaxError(file, e.Line, e.Column, message);
        }
    }

    private static ConfigException SyntaxError(string file, int? line, int? column, string message)
    {
        string where = line is null ? string.Empty : $"line {line}, column {column ?? 1}: ";
        return new ConfigException($"{file}: {where}invalid TOML: {message.Trim()}");
    }

    private static IReadOnlyList<string> ReadQueues(ConfigTable root, bool allowEmpty)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var what = allowEmpty ? "an array of queue names (empty: queues are created at runtime)"
            : QueueNamesWhat + " (allow_runtime_queues = false needs at least one)";
        return root.StringArray("queues", what, (itemPath, name) =>
        {
            if (!ConfigRules.IsValidQueueName(name))
            {
                throw root.Error(itemPath, $"invalid queue name {ConfigRules.Quote(name)}: 1 to 80 letters, digits, '_' or '-', "
                    + $"starting with a letter or a digit ({ConfigRules.QueueNamePattern})");
            }

            if (!seen.Add(name))
            {
                throw root.Error(itemPath, $"queue {ConfigRules.Quote(name)} is declared twice");
            }
        }, allowEmpty);
    }

    private static PersistenceConfig ReadPersistence(ConfigTable table)
    {
        table.RejectUnknownKeys("mode", "path", "timer", "compaction", "fsync", "backup_path");
        PersistenceMode mode = table.Choice<PersistenceMode>(
            "mode", PersistenceMode.Snapshot, ("snapshot", PersistenceMode.Snapshot), ("log", PersistenceMode.Log));
        string resolved = ResolvePath(table, "path", table.OptionalString("path") ?? ConfigRules.DefaultPersistencePath, "folder");

        int timer = table.PositiveInt("timer", ConfigRules.DefaultPersistenceTimer, ConfigRules.MaxTimerSeconds);
        bool compaction = table.Bool("compaction", defaultValue: true);
        FsyncPolicy fsync = table.Choice<FsyncPolicy>(
            "fsync", FsyncPolicy.Always, ("always", FsyncPolicy.Always), ("never", FsyncPolicy.Never));
        string backups = table.OptionalString("backup_path") is { } backupPath
            ? ResolvePath(table, "backup_path", backupPath, "folder")
            : Path.Combine(Path.GetDirectoryName(resolved) ?? resolved, "backups");
        return new PersistenceConfig(mode, resolved, timer, compaction, fsync, backups);
    }

    private static FrozenDictionary<string, QueueSettingsConfig> ReadQueueSettings(ConfigTable root, FrozenSet<string> declared)
    {
        var result = new Dictionary<string, QueueSettingsConfig>(StringComparer.Ordinal);
        ConfigTable? all = root.OptionalTable("queue_settings");
        foreach (string name in all?.Keys ?? [])
        {
            if (!declared.Contains(name))
            {
                throw all!.ErrorAt(name, $"queue {ConfigRules.Quote(name)} is not declared in queues");
            }

            ConfigTable table = all!.OptionalTable(name)!;
            table.RejectUnknownKeys("dead_letter", "max_tries", "timeout", "delay");
            string? deadLetter = table.OptionalString("dead_letter");
            if (deadLetter is not null && !declared.Contains(deadLetter))
            {
                throw table.ErrorAt("dead_letter", $"queue {ConfigRules.Quote(deadLetter)} is not declared in queues");
            }

            if (string.Equals(deadLetter, name, StringComparison.Ordinal))
            {
                throw table.ErrorAt("dead_letter", $"queue {ConfigRules.Quote(name)} cannot be its own dead-letter queue");
            }

            result.Add(name, new QueueSettingsConfig(
                deadLetter, table.OptionalUInt32("max_tries"), table.OptionalUInt32("timeout"), table.OptionalUInt32("delay")));
        }

        return result.ToFrozenDictionary(StringComparer.Ordinal);
    }

    private static ReadOnlyCollection<AccessKeyConfig> ReadAccessKeys(ConfigTable root, FrozenSet<string> declared)
    {
        IReadOnlyList<object?> items = root.OptionalArray("access_keys", "an array of tables ([[access_keys]])") ?? [];
        var result = new List<AccessKeyConfig>(items.Count);
        var firstIndexOfKey = new Dictionary<string, int>(StringComparer.Ordinal);
        var firstIndexOfId = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < items.Count; i++)
        {
            string entryPath = $"{root.KeyPath("access_keys")}[{i}]";
            if (items[i] is not TomlTable table)
            {
                throw root.Error(entryPath, $"expected a table with key and queues, got {ConfigRules.Describe(items[i])}");
            }

            var entry = new ConfigTable(table, entryPath, root.File);
            entry.RejectUnknownKeys("key", "queues", "id");
            string key = entry.RequiredString("key", "a non-empty string", secret: true);
            if (!ConfigRules.IsValidAccessKey(key))
            {
                throw entry.ErrorAt("key", "must be printable ASCII without spaces (it is sent as `Authorization: Bearer <key>`)");
            }

            if (!firstIndexOfKey.TryAdd(key, i))
            {
                throw entry.ErrorAt("key", $"the same key is already given in access_keys[{firstIndexOfKey[key]}]");
            }

            IReadOnlyList<string> queues = entry.StringArray("queues", QueueNamesWhat + " or \"*\"", (itemPath, name) =>
            {
                if (name != AccessKeyConfig.Wildcard && !declared.Contains(name))
                {
                    throw entry.Error(itemPath, $"queue {ConfigRules.Quote(name)} is not declared in queues");
                }
            });
            string? id = entry.OptionalString("id");
            if (id is not null && !ConfigRules.IsValidAccessKeyId(id))
            {
                throw entry.ErrorAt("id", "must be 1 to 128 letters and digits (an SQS access key id, e.g. AKIA…)");
            }

            if (id is not null && !firstIndexOfId.TryAdd(id, i))
            {
                throw entry.ErrorAt("id", $"the same id is already given in access_keys[{firstIndexOfId[id]}]");
            }

            result.Add(new AccessKeyConfig(key, queues) { Id = id });
        }

        return result.AsReadOnly();
    }

    private static ReplicationConfig ReadReplication(ConfigTable table, bool cluster)
    {
        if (cluster)
        {
            // etcd gives the roles; what is left of [replication] is how the links are secured.
            foreach (var key in (string[])["mode", "primary", "replica"])
            {
                if (table.Has(key))
                    throw table.ErrorAt(key, "is not used with [cluster]: etcd decides which node is the primary and the primary "
                        + "finds the replicas in etcd; keep only secret and [replication.tls]");
            }
        }

        table.RejectUnknownKeys("mode", "secret", "primary", "replica", "tls");
        if (cluster)
        {
            return new ReplicationConfig(ReplicationMode.Cluster, table.OptionalString("secret", secret: true), null, null,
                table.OptionalTable("tls") is { } clusterTls ? ReadReplicationTls(clusterTls) : null);
        }

        ReplicationMode mode = table.Choice<ReplicationMode>(
            "mode", null, ("primary", ReplicationMode.Primary), ("replica", ReplicationMode.Replica));
        string? secret = table.OptionalString("secret", secret: true);
        PrimaryConfig? primary = table.OptionalTable("primary") is { } p ? ReadPrimary(p) : null;
        ReplicaConfig? replica = table.OptionalTable("replica") is { } r ? ReadReplica(r) : null;
        if (mode == ReplicationMode.Primary && primary is null)
        {
            throw table.ErrorAt("primary", "a [replication.primary] table is required when replication.mode is \"primary\"");
        }

        if (mode == ReplicationMode.Replica && replica is null)
        {
            throw table.ErrorAt("replica", "a [replication.replica] table is required when replication.mode is \"replica\"");
        }

        ReplicationTlsConfig? tls = table.OptionalTable("tls") is { } t ? ReadReplicationTls(t) : null;
        return new ReplicationConfig(mode, secret, primary, replica, tls);
    }

    private static SqsConfig ReadSqs(ConfigTable table)
    {
        table.RejectUnknownKeys("enabled", "public_url", "account_id", "region");
        var defaults = SqsConfig.Default;
        bool enabled = table.Bool("enabled", defaultValue: true);
        string publicUrl = table.OptionalString("public_url", allowEmpty: true) ?? "";
        if (publicUrl.Length > 0 && !ConfigRules.IsValidPublicUrl(publicUrl))
        {
            throw table.ErrorAt("public_url", "must be empty or an absolute http:// or https:// URL without query or fragment, "
                + "e.g. \"https://queue.example.com\"");
        }

        string account = table.OptionalString("account_id") ?? defaults.AccountId;
        if (account.Length != 12 || !account.All(char.IsAsciiDigit))
        {
            throw table.ErrorAt("account_id", "must be 12 digits");
        }

        string region = table.OptionalString("region") ?? defaults.Region;
        if (!ConfigRules.IsValidRegion(region))
        {
            throw table.ErrorAt("region", "must be lowercase letters, digits and '-', e.g. \"us-east-1\"");
        }

        return new SqsConfig(enabled, publicUrl.TrimEnd('/'), account, region);
    }

    private static TlsConfig ReadTls(ConfigTable table)
    {
        table.RejectUnknownKeys("cert", "key", "client_ca");
        return new TlsConfig(RequiredFile(table, "cert", "a PEM certificate file"), RequiredFile(table, "key", "a PEM private key file"),
            table.OptionalString("client_ca") is { } ca ? ResolvePath(table, "client_ca", ca, "file") : null);
    }

    private static ReplicationTlsConfig ReadReplicationTls(ConfigTable table)
    {
        table.RejectUnknownKeys("cert", "key", "ca");
        return new ReplicationTlsConfig(RequiredFile(table, "cert", "a PEM certificate file"),
            RequiredFile(table, "key", "a PEM private key file"), RequiredFile(table, "ca", "a PEM CA certificate file"));
    }

    private static string RequiredFile(ConfigTable table, string key, string what) =>
        ResolvePath(table, key, table.RequiredString(key, what), "file");

    /// <summary>An absolute path for <paramref name="value"/>, relative to the configuration file's folder.</summary>
    private static string ResolvePath(ConfigTable table, string key, string value, string kind)
    {
        try
        {
            return Path.TrimEndingDirectorySeparator(Path.GetFullPath(value, Path.GetDirectoryName(table.File)!));
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException or PathTooLongException)
        {
            throw table.ErrorAt(key, $"not a valid {kind} path: {ConfigRules.Describe(value)}");
        }
    }

    private static PrimaryConfig ReadPrimary(ConfigTable table)
    {
        table.RejectUnknownKeys("destination", "replication_timer", "try_timer");
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        IReadOnlyList<string> destinations = table.StringArray("destination", "a non-empty array of \"host:port\" strings", (itemPath, value) =>
        {
            CheckHostPort(table, itemPath, value);
            if (!seen.Add(value))
            {
                throw table.Error(itemPath, $"destination {ConfigRules.Quote(value)} is listed twice");
            }
        });
        int replicationTimer = table.PositiveInt("replication_timer", ConfigRules.DefaultReplicationTimer, ConfigRules.MaxTimerSeconds);
        int tryTimer = table.PositiveInt("try_timer", ConfigRules.DefaultPrimaryTryTimer, ConfigRules.MaxTimerSeconds);
        return new PrimaryConfig(destinations, replicationTimer, tryTimer);
    }

    private static ReplicaConfig ReadReplica(ConfigTable table)
    {
        table.RejectUnknownKeys("host", "try_timer");
        string host = table.RequiredString("host", "a \"host:port\" string");
        // Port 0 lets the system pick a free port, which the replica logs (tests and scripts read it back).
        CheckHostPort(table, table.KeyPath("host"), host, anyPort: true);
        int tryTimer = table.PositiveInt("try_timer", ConfigRules.DefaultReplicaTryTimer, ConfigRules.MaxTimerSeconds);
        return new ReplicaConfig(host, tryTimer);
    }

    internal static void CheckHostPort(ConfigTable table, string keyPath, string value, bool anyPort = false)
    {
        if (!ConfigRules.IsValidHostPort(value, anyPort))
        {
            var range = anyPort ? "0 (any free port) to 65535" : "1 to 65535";
            throw table.Error(keyPath, $"expected \"host:port\" with a port from {range}, got {ConfigRules.Describe(value)}");
        }
    }
}
