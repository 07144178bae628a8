using System.Globalization;
using Spartan.Domain;

namespace Spartan.Api.Features.Sqs;

/// <summary>The message system attributes a receive asked for (SPEC §11): SentTimestamp, ApproximateReceiveCount,
/// ApproximateFirstReceiveTimestamp, SenderId; from <c>MessageSystemAttributeNames</c> or the older <c>AttributeNames</c>.</summary>
public readonly struct SystemAttributes
{
    private const byte Sent = 1, ReceiveCount = 2, FirstReceive = 4, SenderId = 8, All = 15;

    private readonly byte _asked;

    private SystemAttributes(byte asked) => _asked = asked;

    public static SystemAttributes Asked(List<string>? names, List<string>? legacy)
    {
        byte asked = 0;
        foreach (var list in (ReadOnlySpan<List<string>?>)[names, legacy])
        {
            if (list is null) continue;
            foreach (var name in list)
                asked |= name switch
                {
                    "All" => All,
                    "SentTimestamp" => Sent,
                    "ApproximateReceiveCount" => ReceiveCount,
                    "ApproximateFirstReceiveTimestamp" => FirstReceive,
                    "SenderId" => SenderId,
                    _ => 0, // FIFO and tracing attributes this server never has
                };
        }

        return new SystemAttributes(asked);
    }

    public Dictionary<string, string>? Of(MessageSnapshot message, string accountId)
    {
        if (_asked == 0) return null;
        var attributes = new Dictionary<string, string>(4, StringComparer.Ordinal);
        if ((_asked & Sent) != 0) attributes["SentTimestamp"] = Millis(message.DispatchedAt);
        if ((_asked & ReceiveCount) != 0) attributes["ApproximateReceiveCount"] = message.Tries.ToString(CultureInfo.InvariantCulture);
        if ((_asked & FirstReceive) != 0 && (message.FirstObtainedAt ?? message.ObtainedAt) is { } first)
            attributes["ApproximateFirstReceiveTimestamp"] = Millis(first);
        if ((_asked & SenderId) != 0)
            attributes["SenderId"] = message.Attributes.GetValueOrDefault(MessageAttributeMap.Sender) ?? accountId;
        return attributes;
    }

    private static string Millis(NodaTime.Instant at) => at.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);
}
