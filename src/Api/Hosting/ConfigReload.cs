using Spartan.Api.Configuration;
using Spartan.Api.Http;

namespace Spartan.Api.Hosting;

/// <summary>What SIGHUP does (SPEC §5): re-reads the configuration file, puts its <c>[[access_keys]]</c> in force,
/// re-reads the TLS files, and logs what changed; other changed keys are logged as needing a restart. An invalid
/// file changes nothing and is logged with the reason. The node never stops for it.</summary>
/// <remarks>Runs on a pool thread per signal, one reload at a time. Keys are never logged, only how many there are.</remarks>
public sealed partial class ConfigReload(SpartanConfig started, AccessKeys keys, IReadOnlyList<Action> tlsReloads, ILogger logger)
{
    private readonly Lock _running = new();
    private IReadOnlyList<AccessKeyConfig> _keys = started.AccessKeys;

    /// <summary>Reloads from <see cref="SpartanConfig.SourcePath"/> of the configuration the node started with.</summary>
    public void Run()
    {
        lock (_running)
        {
            SpartanConfig next;
            try
            {
                next = ConfigLoader.Load(started.SourcePath);
            }
            catch (ConfigException invalid)
            {
                LogInvalid(logger, invalid.Message);
                return;
            }

            if (!SameKeys(_keys, next.AccessKeys))
            {
                keys.Replace(next.AccessKeys);
                LogKeys(logger, next.AccessKeys.Count, _keys.Count);
                _keys = next.AccessKeys;
            }

            foreach (var reload in tlsReloads) reload();
            var restart = ConfigChanges.NeedingRestart(started, next);
            if (restart.Count > 0) LogNeedsRestart(logger, string.Join(", ", restart));
            LogReloaded(logger, started.SourcePath);
        }
    }

    private static bool SameKeys(IReadOnlyList<AccessKeyConfig> a, IReadOnlyList<AccessKeyConfig> b)
    {
        if (a.Count != b.Count) return false;
        for (var i = 0; i < a.Count; i++)
            if (a[i].Key != b[i].Key || !a[i].Queues.SequenceEqual(b[i].Queues, StringComparer.Ordinal))
                return false;
        return true;
    }

    [LoggerMessage(EventId = 70, Level = LogLevel.Warning, Message = "SIGHUP: the configuration was not reloaded, nothing changed: {Reason}")]
    private static partial void LogInvalid(ILogger logger, string reason);

    [LoggerMessage(EventId = 71, Level = LogLevel.Information, Message = "SIGHUP: access keys reloaded: {Count} keys in force (was {Previous})")]
    private static partial void LogKeys(ILogger logger, int count, int previous);

    [LoggerMessage(EventId = 72, Level = LogLevel.Warning, Message = "SIGHUP: changed settings that need a restart to take effect: {Keys}")]
    private static partial void LogNeedsRestart(ILogger logger, string keys);

    [LoggerMessage(EventId = 73, Level = LogLevel.Information, Message = "SIGHUP: reloaded {Path} (access keys and TLS files)")]
    private static partial void LogReloaded(ILogger logger, string path);
}

/// <summary>Which settings of a re-read configuration differ from those a node started with, other than what
/// SIGHUP applies (access keys, the contents of TLS files).</summary>
public static class ConfigChanges
{
    public static IReadOnlyList<string> NeedingRestart(SpartanConfig running, SpartanConfig next)
    {
        var changed = new List<string>();
        if (!running.Queues.SequenceEqual(next.Queues, StringComparer.Ordinal)) changed.Add("queues");
        if (running.BodySize != next.BodySize) changed.Add("body_size");
        if (running.GcTimerSeconds != next.GcTimerSeconds) changed.Add("gc_timer");
        if (running.AllowRuntimeQueues != next.AllowRuntimeQueues) changed.Add("allow_runtime_queues");
        if (running.MaxQueues != next.MaxQueues) changed.Add("max_queues");
        if (running.Persistence != next.Persistence) changed.Add("persistence");
        if (!SameSettings(running.QueueSettings, next.QueueSettings)) changed.Add("queue_settings");
        if (running.Tls != next.Tls) changed.Add("tls");
        if (running.Sqs != next.Sqs) changed.Add("sqs");
        if (!SameReplication(running.Replication, next.Replication)) changed.Add("replication");
        if (!SameCluster(running.Cluster, next.Cluster)) changed.Add("cluster");
        return changed;
    }

    private static bool SameCluster(ClusterConfig? a, ClusterConfig? b) =>
        a is null || b is null ? a == b : a with { Etcd = b.Etcd } == b && a.Etcd.SequenceEqual(b.Etcd, StringComparer.Ordinal);

    private static bool SameSettings(IReadOnlyDictionary<string, QueueSettingsConfig> a, IReadOnlyDictionary<string, QueueSettingsConfig> b)
    {
        if (a.Count != b.Count) return false;
        foreach (var (name, settings) in a)
            if (!b.TryGetValue(name, out var other) || other != settings)
                return false;
        return true;
    }

    private static bool SameReplication(ReplicationConfig? a, ReplicationConfig? b)
    {
        if (a is null || b is null) return a is null && b is null;
        return a.Mode == b.Mode && a.Secret == b.Secret && a.Replica == b.Replica && a.Tls == b.Tls
               && (a.Primary is null || b.Primary is null
                   ? a.Primary is null && b.Primary is null
                   : a.Primary.Destinations.SequenceEqual(b.Primary.Destinations, StringComparer.Ordinal)
                     && a.Primary.ReplicationTimerSeconds == b.Primary.ReplicationTimerSeconds
                     && a.Primary.TryTimerSeconds == b.Primary.TryTimerSeconds);
    }
}
