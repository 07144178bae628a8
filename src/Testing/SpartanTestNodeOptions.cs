using System.Globalization;
using System.Text;
using Microsoft.Extensions.Logging;

namespace Spartan.Testing;

/// <summary>What a <see cref="SpartanTestNode"/> serves: its queues, their settings, its access keys and limits, or a
/// whole <c>Spartan.toml</c>; on which clock; over an in-memory test server or real HTTP.</summary>
/// <remarks>The options are turned into <c>Spartan.toml</c> text (<see cref="ToToml"/>) and checked by the server's own
/// configuration loader, so a node accepts exactly what the <c>spartan</c> binary accepts.</remarks>
/// <example>
/// <code>
/// await using var node = await SpartanTestNode.StartAsync(new SpartanTestNodeOptions
/// {
///     Queues = { "jobs", "jobs-dead" },
///     QueueSettings = { ["jobs"] = new SpartanQueueSettings { DeadLetter = "jobs-dead", MaxTries = 3 } },
///     AccessKeys = { new SpartanAccessKey("secret-key", "jobs") },
/// });
/// </code>
/// </example>
public sealed class SpartanTestNodeOptions
{
    /// <summary>The declared queues (<c>queues</c>), in order: 1 to 80 letters, digits, <c>_</c> or <c>-</c>, starting
    /// with a letter or a digit. May stay empty while <see cref="AllowRuntimeQueues"/> is true (queues are then created
    /// with <c>PUT /_/queues/{name}</c>).</summary>
    public IList<string> Queues { get; } = new List<string>();

    /// <summary>Defaults of declared queues (<c>[queue_settings.NAME]</c>), by queue name.</summary>
    public IDictionary<string, SpartanQueueSettings> QueueSettings { get; } =
        new Dictionary<string, SpartanQueueSettings>(StringComparer.Ordinal);

    /// <summary>Access keys (<c>[[access_keys]]</c>). None means anonymous access to every queue.</summary>
    public IList<SpartanAccessKey> AccessKeys { get; } = new List<SpartanAccessKey>();

    /// <summary>The largest message body in bytes (<c>body_size</c>); null for the server's default (32 KiB).</summary>
    public int? BodySize { get; set; }

    /// <summary>Whether queues may be created, changed and deleted through the API (<c>allow_runtime_queues</c>);
    /// default true, as in the server.</summary>
    public bool AllowRuntimeQueues { get; set; } = true;

    /// <summary>A whole <c>Spartan.toml</c> instead of the options above (which must then stay unset): for anything
    /// they do not cover, such as <c>[persistence]</c>, <c>[tls]</c>, <c>[sqs]</c> or <c>[replication]</c>.</summary>
    public string? Toml { get; set; }

    /// <summary>The path the configuration is read as: it names the configuration in error messages and is the folder
    /// that relative paths in it (e.g. <c>persistence.path</c>) are resolved against. Default:
    /// <c>spartan-testing/Spartan.toml</c> in the temporary folder. The file itself is never read or written.</summary>
    public string? ConfigPath { get; set; }

    /// <summary>The clock of the node, e.g. a <c>FakeTimeProvider</c> (Microsoft.Extensions.TimeProvider.Testing), so
    /// that a test moves reservations, delays, message lifetimes and long polls forward by advancing it. Null: the
    /// system clock.</summary>
    /// <remarks>With a fake clock, a long poll (<c>?wait=</c>) ends only when the clock is advanced or a message
    /// arrives.</remarks>
    public TimeProvider? Time { get; set; }

    /// <summary>False (default): the node is served by an in-memory test server, reached only through
    /// <see cref="SpartanTestNode.CreateHttpClient"/> or <see cref="SpartanTestNode.CreateHandler"/>. True: Kestrel
    /// listens on a free port of 127.0.0.1, so any HTTP client or another process can reach
    /// <see cref="SpartanTestNode.BaseAddress"/>.</summary>
    public bool RealHttp { get; set; }

    /// <summary>The least level the node logs at (to standard error, and to any provider added by
    /// <see cref="ConfigureLogging"/>); default <see cref="LogLevel.Warning"/>.</summary>
    public LogLevel LogLevel { get; set; } = LogLevel.Warning;

    /// <summary>Called on the node's logging setup after the server's own: add a provider to capture the node's log
    /// lines, or clear the providers to silence it.</summary>
    public Action<ILoggingBuilder>? ConfigureLogging { get; set; }

    /// <summary>The <c>Spartan.toml</c> text these options make (<see cref="Toml"/> itself when set).</summary>
    /// <exception cref="InvalidOperationException"><see cref="Toml"/> is set together with other configuration
    /// options.</exception>
    public string ToToml()
    {
        if (Toml is not null)
        {
            if (Queues.Count > 0 || QueueSettings.Count > 0 || AccessKeys.Count > 0 || BodySize is not null || !AllowRuntimeQueues)
            {
                throw new InvalidOperationException(
                    "SpartanTestNodeOptions.Toml replaces Queues, QueueSettings, AccessKeys, BodySize and AllowRuntimeQueues: set one or the other");
            }

            return Toml;
        }

        var toml = new StringBuilder();
        toml.Append("queues = ").Append(Array(Queues)).Append('\n');
        if (!AllowRuntimeQueues) toml.Append("allow_runtime_queues = false\n");
        if (BodySize is { } bodySize) toml.Append("body_size = ").Append(Number(bodySize)).Append('\n');

        foreach (var (queue, settings) in QueueSettings)
        {
            ArgumentNullException.ThrowIfNull(settings);
            toml.Append("\n[queue_settings.").Append(String(queue)).Append("]\n");
            if (settings.DeadLetter is { } deadLetter) toml.Append("dead_letter = ").Append(String(deadLetter)).Append('\n');
            if (settings.MaxTries is { } maxTries) toml.Append("max_tries = ").Append(Number(maxTries)).Append('\n');
            if (settings.Timeout is { } timeout) toml.Append("timeout = ").Append(Number(timeout)).Append('\n');
            if (settings.Delay is { } delay) toml.Append("delay = ").Append(Number(delay)).Append('\n');
        }

        foreach (var key in AccessKeys)
        {
            ArgumentNullException.ThrowIfNull(key);
            toml.Append("\n[[access_keys]]\n");
            toml.Append("key = ").Append(String(key.Key)).Append('\n');
            toml.Append("queues = ").Append(Array(key.Queues)).Append('\n');
            if (key.Id is { } id) toml.Append("id = ").Append(String(id)).Append('\n');
        }

        return toml.ToString();
    }

    private static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Array(IEnumerable<string> items) => "[" + string.Join(", ", items.Select(String)) + "]";

    /// <summary>A TOML basic string: quotes, backslashes and control characters escaped.</summary>
    private static string String(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var text = new StringBuilder(value.Length + 2).Append('"');
        foreach (var c in value)
        {
            switch (c)
            {
                case '"': text.Append("\\\""); break;
                case '\\': text.Append("\\\\"); break;
                case < ' ' or '\u007f': text.Append("\\u").Append(((int)c).ToString("X4", CultureInfo.InvariantCulture)); break;
                default: text.Append(c); break;
            }
        }

        return text.Append('"').ToString();
    }
}

/// <summary>The defaults of one declared queue (<c>[queue_settings.NAME]</c>); a null member keeps the server's
/// default.</summary>
public sealed record SpartanQueueSettings
{
    /// <summary><c>dead_letter</c>: the declared queue that messages out of tries are moved to.</summary>
    public string? DeadLetter { get; init; }

    /// <summary><c>max_tries</c>: how many times a message may be popped.</summary>
    public uint? MaxTries { get; init; }

    /// <summary><c>timeout</c>: seconds a popped message stays reserved.</summary>
    public uint? Timeout { get; init; }

    /// <summary><c>delay</c>: seconds a pushed message stays invisible.</summary>
    public uint? Delay { get; init; }
}

/// <summary>One access key (<c>[[access_keys]]</c>): requests send it as <c>Authorization: Bearer KEY</c> and may use
/// the queues it names.</summary>
public sealed class SpartanAccessKey
{
    /// <summary>The queue name that grants every queue.</summary>
    public const string AllQueues = "*";

    /// <summary>A key for <paramref name="queues"/> (<see cref="AllQueues"/> for every queue).</summary>
    public SpartanAccessKey(string key, params IEnumerable<string> queues)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(queues);
        Key = key;
        Queues = queues.ToArray();
    }

    /// <summary><c>key</c>: printable ASCII without spaces.</summary>
    public string Key { get; }

    /// <summary><c>queues</c>: the queues the key may use.</summary>
    public IReadOnlyList<string> Queues { get; }

    /// <summary><c>id</c>: the access key id an SQS client signs with (<see cref="Key"/> being its secret); null when the
    /// key is not used over the SQS endpoint.</summary>
    public string? Id { get; init; }
}
