using System.Globalization;
using System.Text.Json;
using Spartan.Domain;
using Spartan.Engine;

namespace Spartan.Api.Features.Sqs;

/// <summary>SQS queue attributes ↔ Spartan queue settings (SPEC §11): VisibilityTimeout is <c>timeout</c>, DelaySeconds
/// <c>delay</c>, RedrivePolicy <c>dead_letter</c> + <c>max_tries</c>; the other settable attributes are kept as given and
/// read back; FIFO is refused.</summary>
public static class QueueAttributeMap
{
    public const string VisibilityTimeout = "VisibilityTimeout";
    public const string DelaySeconds = "DelaySeconds";
    public const string RedrivePolicy = "RedrivePolicy";
    public const string MaximumMessageSize = "MaximumMessageSize";
    public const string MessageRetentionPeriod = "MessageRetentionPeriod";
    public const string ReceiveMessageWaitTimeSeconds = "ReceiveMessageWaitTimeSeconds";

    /// <summary>SQS's defaults of the kept attributes, answered while a queue has not set them.</summary>
    public const int DefaultRetentionSeconds = 345_600;

    private const int MaxMaximumMessageSize = 1_048_576;

    // Accepted and read back, never acted on: access policies and encryption settings belong to AWS's control plane.
    private static readonly HashSet<string> KeptVerbatim = new(StringComparer.Ordinal)
    {
        "Policy", "RedriveAllowPolicy", "KmsMasterKeyId", "KmsDataKeyReusePeriodSeconds", "SqsManagedSseEnabled",
    };

    private static readonly HashSet<string> FifoOnly = new(StringComparer.Ordinal)
    {
        "ContentBasedDeduplication", "DeduplicationScope", "FifoThroughputLimit",
    };

    /// <summary>Names GetQueueAttributes answers but SetQueueAttributes cannot change.</summary>
    public static readonly HashSet<string> ReadOnly = new(StringComparer.Ordinal)
    {
        "All", "ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible", "ApproximateNumberOfMessagesDelayed",
        "CreatedTimestamp", "LastModifiedTimestamp", "QueueArn",
    };

    /// <summary>Every name GetQueueAttributes knows.</summary>
    public static bool IsKnown(string name) =>
        ReadOnly.Contains(name) || KeptVerbatim.Contains(name) || FifoOnly.Contains(name) || name is "FifoQueue"
        || name is VisibilityTimeout or DelaySeconds or RedrivePolicy or MaximumMessageSize or MessageRetentionPeriod
            or ReceiveMessageWaitTimeSeconds;

    /// <summary><paramref name="current"/> with the given attributes applied; invalid names and values are the SQS errors.</summary>
    public static QueueSettings Apply(QueueSettings current, Dictionary<string, string>? attributes, QueueUrls urls, bool creating)
    {
        if (attributes is null) return current;
        var settings = current;
        var kept = new List<KeyValuePair<string, string?>>();
        foreach (var (name, value) in attributes)
        {
            switch (name)
            {
                case VisibilityTimeout:
                    settings = settings with { Timeout = (uint)Integer(name, value, 0, 43_200) };
                    break;
                case DelaySeconds:
                    settings = settings with { Delay = (uint)Integer(name, value, 0, 900) };
                    break;
                case RedrivePolicy:
                    settings = WithRedrive(settings, value, urls);
                    break;
                case MaximumMessageSize:
                    kept.Add(new(name, Integer(name, value, 1024, MaxMaximumMessageSize).ToString(CultureInfo.InvariantCulture)));
                    break;
                case MessageRetentionPeriod:
                    kept.Add(new(name, Integer(name, value, 60, 1_209_600).ToString(CultureInfo.InvariantCulture)));
                    break;
                case ReceiveMessageWaitTimeSeconds:
                    kept.Add(new(name, Integer(name, value, 0, 20).ToString(CultureInfo.InvariantCulture)));
                    break;
                case "FifoQueue":
                    if (!string.Equals(value, "false", StringComparison.OrdinalIgnoreCase))
                        throw SqsException.InvalidParameterValue("FIFO queues are not supported by this server.");
                    if (!creating) throw SqsException.InvalidAttributeName(name);
                    break;
                default:
                    if (KeptVerbatim.Contains(name)) kept.Add(new(name, value.Length == 0 ? null : value));
                    else if (FifoOnly.Contains(name)) throw SqsException.InvalidParameterValue($"{name} applies to FIFO queues only; this server has none.");
                    else throw SqsException.InvalidAttributeName(name);
                    break;
            }
        }

        return kept.Count == 0 ? settings : settings with { Attributes = settings.Attributes.With(kept) };
    }

    /// <summary><paramref name="asked"/> without the values it states that <paramref name="current"/> already has by default:
    /// <c>VisibilityTimeout=30</c> on a queue that never set a timeout asks for what the queue does, so creating it again
    /// must not conflict (SQS compares attributes by the values it reads back).</summary>
    public static QueueSettings WithoutRestatedDefaults(QueueSettings asked, QueueSettings current, string name, int bodySize)
    {
        var effective = current.Resolve(name);
        if (current.Timeout is null && asked.Timeout == effective.Timeout) asked = asked with { Timeout = null };
        if (current.Delay is null && asked.Delay is 0) asked = asked with { Delay = null };
        List<KeyValuePair<string, string?>>? dropped = null;
        foreach (var (attribute, byDefault) in (ReadOnlySpan<(string, string)>)[
                     (MaximumMessageSize, Text(bodySize)), (MessageRetentionPeriod, Text(DefaultRetentionSeconds)), (ReceiveMessageWaitTimeSeconds, "0")])
        {
            if (current.Attributes[attribute] is null && asked.Attributes[attribute] == byDefault)
                (dropped ??= []).Add(new(attribute, null));
        }

        return dropped is null ? asked : asked with { Attributes = asked.Attributes.With(dropped) };
    }

    /// <summary>The value of one attribute as GetQueueAttributes answers it, or null when the queue has none.</summary>
    public static string? Read(string name, QueueInfo info, QueueUrls urls, int bodySize)
    {
        var settings = info.Settings;
        var definition = settings.Resolve(info.Name);
        var counts = info.Stats.Counts;
        return name switch
        {
            "ApproximateNumberOfMessages" => Text(counts.Available),
            "ApproximateNumberOfMessagesNotVisible" => Text(counts.InFlight),
            "ApproximateNumberOfMessagesDelayed" => Text(counts.Delayed),
            "CreatedTimestamp" => Seconds(info.CreatedAt),
            "LastModifiedTimestamp" => Seconds(info.ChangedAt ?? info.CreatedAt),
            "QueueArn" => urls.Arn(info.Name),
            VisibilityTimeout => Text(definition.Timeout),
            DelaySeconds => Text(definition.Delay ?? 0),
            MaximumMessageSize => settings.Attributes[name] ?? Text(bodySize),
            MessageRetentionPeriod => settings.Attributes[name] ?? Text(DefaultRetentionSeconds),
            ReceiveMessageWaitTimeSeconds => settings.Attributes[name] ?? "0",
            RedrivePolicy => settings.DeadLetter is { } deadLetter
                ? $"{{\"deadLetterTargetArn\":\"{urls.Arn(deadLetter)}\",\"maxReceiveCount\":{definition.MaxTries}}}"
                : null,
            _ => settings.Attributes[name],
        };
    }

    /// <summary>Every attribute the queue has, for <c>All</c>.</summary>
    public static IEnumerable<string> AllNames(QueueInfo info)
    {
        string[] always =
        [
            "ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible", "ApproximateNumberOfMessagesDelayed",
            "CreatedTimestamp", "LastModifiedTimestamp", "QueueArn", VisibilityTimeout, DelaySeconds, MaximumMessageSize,
            MessageRetentionPeriod, ReceiveMessageWaitTimeSeconds, RedrivePolicy,
        ];
        foreach (var name in always) yield return name;
        foreach (var name in KeptVerbatim)
            if (info.Settings.Attributes[name] is not null) yield return name;
    }

    private static QueueSettings WithRedrive(QueueSettings settings, string value, QueueUrls urls)
    {
        if (value.Length == 0) return settings with { DeadLetter = null, MaxTries = null };
        string? arn = null;
        long? maxReceiveCount = null;
        try
        {
            using var document = JsonDocument.Parse(value);
            if (document.RootElement.ValueKind != JsonValueKind.Object) throw Invalid("it is not a JSON object");
            foreach (var member in document.RootElement.EnumerateObject())
            {
                if (member.NameEquals("deadLetterTargetArn") && member.Value.ValueKind == JsonValueKind.String)
                    arn = member.Value.GetString();
                else if (member.NameEquals("maxReceiveCount"))
                    maxReceiveCount = member.Value.ValueKind switch
                    {
                        JsonValueKind.Number when member.Value.TryGetInt64(out var n) => n,
                        JsonValueKind.String when long.TryParse(member.Value.GetString(), NumberStyles.None, CultureInfo.InvariantCulture, out var n) => n,
                        _ => throw Invalid("maxReceiveCount must be an integer"),
                    };
            }
        }
        catch (JsonException)
        {
            throw Invalid("it is not valid JSON");
        }

        if (arn is null) throw Invalid("deadLetterTargetArn is required");
        if (maxReceiveCount is not (>= 1 and <= 1000)) throw Invalid("maxReceiveCount must be between 1 and 1000");
        var deadLetter = urls.QueueOfArn(arn) ?? throw Invalid($"{arn} is not a queue of this server");
        return settings with { DeadLetter = deadLetter, MaxTries = (uint)maxReceiveCount };

        static SqsException Invalid(string reason) =>
            SqsException.InvalidParameterValue($"Value for parameter RedrivePolicy is invalid. Reason: {reason}.");
    }

    private static long Integer(string name, string value, long min, long max) =>
        long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= min && n <= max
            ? n
            : throw SqsException.InvalidAttributeValue($"Invalid value for the parameter {name}: it must be an integer from {min} to {max}.");

    private static string Text(long n) => n.ToString(CultureInfo.InvariantCulture);

    private static string Seconds(NodaTime.Instant? at) => Text(at?.ToUnixTimeSeconds() ?? 0);
}
