using System.Text;

namespace Spartan.Api.Configuration;

/// <summary>The commented <c>Spartan.toml</c> that <c>spartan init</c> writes (SPEC §5).</summary>
public static class ConfigTemplate
{
    private static readonly string[] _defaultQueues = ["default", "default-dead"];

    /// <summary>The queues of a default configuration: <c>default</c> and its dead-letter queue <c>default-dead</c>.</summary>
    public static IReadOnlyList<string> DefaultQueues { get; } = Array.AsReadOnly(_defaultQueues);

    /// <summary>
    /// A commented configuration declaring <paramref name="queues"/> that passes <see cref="ConfigLoader"/>;
    /// lines end with <c>\n</c>. For <see cref="DefaultQueues"/> it also makes <c>default-dead</c> the
    /// dead-letter queue of <c>default</c>.
    /// </summary>
    /// <exception cref="ConfigException">The list is empty, names a queue twice or holds an invalid name.</exception>
    public static string Render(IReadOnlyList<string> queues)
    {
        ArgumentNullException.ThrowIfNull(queues);
        Check(queues);
        bool isDefault = queues.SequenceEqual(_defaultQueues, StringComparer.Ordinal);
        string first = queues[0];

        var text = new StringBuilder();
        void Line(string line = "") => text.Append(line).Append('\n');

        Line("# Spartan configuration, written by `spartan init`.");
        Line("# Only `queues` is required. An unknown key, a value of the wrong type or an undeclared");
        Line("# queue name stops the server with a message naming the key (exit code 2).");
        Line();
        Line("# Queues this node declares: each name once (more can be created at runtime, see below).");
        Line("# A name has 1 to 80 characters (letters, digits, `_`, `-`) and starts with a letter or a digit.");
        Line($"queues = [{string.Join(", ", queues.Select(ConfigRules.Quote))}]");
        Line();
        Line("# Largest message accepted, in bytes: the UTF-8 body plus the keys and values of its");
        Line($"# attributes. From 1 to {ConfigRules.MaxBodySize} (64 MiB); default {ConfigRules.DefaultBodySize} (32 KiB).");
        Line($"body_size = {ConfigRules.DefaultBodySize}");
        Line();
        Line("# Seconds between garbage-collection cycles, which remove exhausted messages (or move");
        Line($"# them to their dead-letter queue) and end expired reservations. Default {ConfigRules.DefaultGcTimer}. Every");
        Line($"# timer in this file takes 1 to {ConfigRules.MaxTimerSeconds} seconds (one week).");
        Line($"gc_timer = {ConfigRules.DefaultGcTimer}");
        Line();
        Line("# Queues at runtime: with true, PUT /_/queues/NAME creates a queue (and PATCH and DELETE change");
        Line("# and remove one) without editing this file; they are kept like messages. With false, only the");
        Line("# queues above exist, and `queues` must name at least one.");
        Line("allow_runtime_queues = true");
        Line();
        Line($"# How many queues may exist in all, declared and created at runtime. Default {ConfigRules.DefaultMaxQueues}.");
        Line($"max_queues = {ConfigRules.DefaultMaxQueues}");
        Line();
        Line("# Per-queue settings: an optional [queue_settings.NAME] table for a declared queue.");
        Line("#   dead_letter  queue that receives this queue's exhausted messages (not itself)");
        Line("#   max_tries    default for messages pushed without \"max_tries\" (1 when not set)");
        Line("#   timeout      default seconds a reservation lasts (30 when not set)");
        Line("#   delay        default seconds before a new message becomes visible (0 when not set)");
        Line("# max_tries, timeout and delay range from 0 to 4294967295.");
        Line(isDefault ? "[queue_settings.default]" : $"# [queue_settings.{first}]");
        if (isDefault)
        {
            Line("dead_letter = \"default-dead\"");
        }

        Line("# max_tries = 1");
        Line("# timeout = 30");
        Line("# delay = 0");
        Line();
        Line("# Persistence. Without a [persistence] table the server keeps messages in memory only,");
        Line("# and they are lost when it stops. Uncomment the table to keep them on disk.");
        Line("# [persistence]");
        Line("# mode = \"snapshot\"    # \"snapshot\": the whole state is saved every `timer` seconds and at");
        Line("#                      #   shutdown; a crash loses what changed since the last snapshot");
        Line("#                      # \"log\": every change is written before it is acknowledged");
        Line("# path = \"./db\"        # data folder, relative to the folder of this file");
        Line("# timer = 900          # snapshot: seconds between snapshots; log: seconds between");
        Line("#                      #   compactions of replication state");
        Line("# compaction = true    # log: fold the event log into a snapshot at startup");
        Line("# fsync = \"always\"     # log: \"always\" (an acknowledged change is on disk) | \"never\"");
        Line("#                      #   (faster; a power loss can lose the last changes)");
        Line();
        Line("# Access keys. Without [[access_keys]] every queue is open to anonymous clients. With");
        Line("# them, a queue route needs the header `Authorization: Bearer <key>` and a key reaches");
        Line("# only its queues; \"*\" means every queue (and is needed for /_/metrics). A key is");
        Line("# printable ASCII without spaces; use long random values. An SQS client (see [sqs]) signs");
        Line("# its requests with a key's id as its access key id and the key as its secret.");
        Line("# [[access_keys]]");
        Line("# key = \"change-me-to-a-long-random-string\"");
        Line("# queues = [\"*\"]");
        Line("# id = \"AKIDSPARTAN0001\"     # optional: letters and digits, for SQS clients");
        Line("#");
        Line("# [[access_keys]]");
        Line("# key = \"another-long-random-string\"");
        Line($"# queues = [{ConfigRules.Quote(first)}]");
        Line();
        Line("# Replication: a primary streams every change to its replicas over TCP. Run a replica");
        Line("# with `spartan replica`; promote it by setting its mode to \"primary\".");
        Line("# [replication]");
        Line("# mode = \"primary\"                   # \"primary\" | \"replica\"");
        Line("# secret = \"change-me\"               # optional; both sides must hold the same value");
        Line("#");
        Line("# [replication.primary]              # required when mode = \"primary\"");
        Line("# destination = [\"127.0.0.1:12345\"]  # the replicas, as \"host:port\"");
        Line("# replication_timer = 180            # seconds: longest gap between two exchanges");
        Line("# try_timer = 10                     # seconds between reconnect attempts (backoff base)");
        Line("#");
        Line("# [replication.replica]              # required when mode = \"replica\"");
        Line("# host = \"127.0.0.1:12345\"           # \"host:port\" where this replica listens for its primary");
        Line("# try_timer = 5");
        Line("#");
        Line("# [replication.tls]                  # optional: mutual TLS on the replication link; both");
        Line("# cert = \"node.pem\"                  #   sides need it. This node's PEM certificate chain,");
        Line("# key = \"node-key.pem\"               #   its PEM private key, and the CA the peer's");
        Line("# ca = \"ca.pem\"                      #   certificate must chain to");
        Line();
        Line("# TLS for the HTTP API. With a [tls] table the server speaks HTTPS only (TLS 1.2 and 1.3).");
        Line("# Paths are relative to the folder of this file. Renewed certificate files are picked up");
        Line("# by new connections without a restart (and on SIGHUP).");
        Line("# [tls]");
        Line("# cert = \"server.pem\"       # PEM certificate chain, the server's certificate first");
        Line("# key = \"server-key.pem\"    # PEM private key");
        Line("# client_ca = \"ca.pem\"      # optional: require client certificates signed by this CA");
        Line();
        Line("# The SQS-compatible endpoint: AWS SDKs talk to this server unchanged when their ServiceURL");
        Line("# points here (POST / with the AWS JSON protocol). These are the defaults.");
        Line("# [sqs]");
        Line("# enabled = true");
        Line("# public_url = \"\"                # base of queue URLs; \"\" = the scheme and Host of each request");
        Line("# account_id = \"000000000000\"    # 12 digits, in queue URLs and ARNs");
        Line("# region = \"us-east-1\"           # in ARNs; signatures must name this region");
        return text.ToString();
    }

    private static void Check(IReadOnlyList<string> queues)
    {
        if (queues.Count == 0)
        {
            throw new ConfigException("queues: at least one queue is required");
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (string name in queues)
        {
            if (!ConfigRules.IsValidQueueName(name))
            {
                throw new ConfigException($"queues: invalid queue name {ConfigRules.Quote(name)}: 1 to 80 letters, digits, "
                    + $"'_' or '-', starting with a letter or a digit ({ConfigRules.QueueNamePattern})");
            }

            if (!seen.Add(name))
            {
                throw new ConfigException($"queues: queue {ConfigRules.Quote(name)} is listed twice");
            }
        }
    }
}
