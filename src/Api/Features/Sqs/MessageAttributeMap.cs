using System.Globalization;
using System.Text;
using Spartan.Api.Features.Sqs.Protocol;
using Spartan.Domain;

namespace Spartan.Api.Features.Sqs;

/// <summary>SQS message attributes ↔ Spartan message attributes (ADR 0014): values are stored as strings (Binary in
/// base64) and every DataType in the reserved attribute <c>spartan.sqs.types</c>, so a message keeps its types across
/// send, receive, dead-lettering and redrive, and the native API still shows the values.</summary>
public static class MessageAttributeMap
{
    /// <summary>Where the DataTypes live: <c>name=Type</c> pairs joined by commas (neither can hold either).</summary>
    public const string Types = "spartan.sqs.types";

    /// <summary>Where the sender's access key id lives, for SenderId; absent on a node without keys.</summary>
    public const string Sender = "spartan.sqs.sender";

    public const int MaxAttributes = 10;

    /// <summary>The stored attributes of a message sent with <paramref name="attributes"/>; also counts their bytes the
    /// way SQS counts them towards the message size (name, DataType and value).</summary>
    public static Dictionary<string, string>? ToStored(Dictionary<string, MessageAttributeValue>? attributes, string? sender, out int bytes)
    {
        bytes = 0;
        var count = attributes?.Count ?? 0;
        if (count == 0 && sender is null) return null;
        if (count > MaxAttributes)
            throw SqsException.InvalidParameterValue($"Number of message attributes [{count}] exceeds the allowed maximum [{MaxAttributes}].");

        var stored = new Dictionary<string, string>(count + 2, StringComparer.Ordinal);
        if (count > 0)
        {
            var types = new StringBuilder();
            foreach (var (name, value) in attributes!)
            {
                CheckName(name);
                var type = value.DataType ?? throw SqsException.InvalidParameterValue($"The message attribute '{name}' must contain a non-empty message attribute type.");
                var text = StoredValue(name, type, value);
                bytes += Encoding.UTF8.GetByteCount(name) + Encoding.UTF8.GetByteCount(type)
                         + (value.BinaryValue?.Length ?? Encoding.UTF8.GetByteCount(text));
                stored[name] = text;
                if (types.Length > 0) types.Append(',');
                types.Append(name).Append('=').Append(type);
            }

            stored[Types] = types.ToString();
        }

        if (sender is not null) stored[Sender] = sender;
        return stored;
    }

    /// <summary>The attributes a receive asked for (<c>All</c>, <c>.*</c>, a name, or a <c>prefix.*</c>), with their
    /// types; native attributes without a stored type are Strings. Reserved ones are never shown.</summary>
    public static List<SqsAttributeValue>? Select(IReadOnlyDictionary<string, string> stored, List<string>? asked)
    {
        if (asked is not { Count: > 0 } || stored.Count == 0) return null;
        var types = stored.TryGetValue(Types, out var list) ? ParseTypes(list) : null;
        List<SqsAttributeValue>? selected = null;
        foreach (var (name, value) in stored)
        {
            if (DeadLetterAttributes.IsReserved(name) || !Wanted(name, asked)) continue;
            var type = types?.GetValueOrDefault(name) ?? "String";
            selected ??= [];
            selected.Add(IsBinary(type) && TryBase64(value, out var bytes)
                ? new SqsAttributeValue(name, type, null, bytes)
                : new SqsAttributeValue(name, IsBinary(type) ? "String" : type, value, null));
        }

        return selected;
    }

    public static Dictionary<string, MessageAttributeValue> ToReply(List<SqsAttributeValue> attributes)
    {
        var reply = new Dictionary<string, MessageAttributeValue>(attributes.Count, StringComparer.Ordinal);
        foreach (var a in attributes)
            reply[a.Name] = new MessageAttributeValue { DataType = a.DataType, StringValue = a.StringValue, BinaryValue = a.BinaryValue };
        return reply;
    }

    /// <summary>The SQS form of the attributes a send carried, for its MD5.</summary>
    public static List<SqsAttributeValue> ForDigest(Dictionary<string, MessageAttributeValue> attributes)
    {
        var list = new List<SqsAttributeValue>(attributes.Count);
        foreach (var (name, value) in attributes)
            list.Add(new SqsAttributeValue(name, value.DataType!, value.BinaryValue is null ? value.StringValue ?? "" : null, value.BinaryValue));
        return list;
    }

    private static bool Wanted(string name, List<string> asked)
    {
        foreach (var pattern in asked)
        {
            if (pattern is "All" or ".*" || pattern == name) return true;
            if (pattern.EndsWith(".*", StringComparison.Ordinal) && name.StartsWith(pattern.AsSpan(0, pattern.Length - 1), StringComparison.Ordinal))
                return true;
        }

        return false;
    }

    private static string StoredValue(string name, string type, MessageAttributeValue value)
    {
        var baseType = BaseType(type, name);
        if (baseType == "Binary")
        {
            if (value.BinaryValue is null) throw Empty(name);
            return Convert.ToBase64String(value.BinaryValue);
        }

        if (string.IsNullOrEmpty(value.StringValue)) throw Empty(name);
        if (baseType == "Number" && !IsNumber(value.StringValue))
            throw SqsException.InvalidParameterValue($"Can't cast the value of message (user) attribute '{name}' to a number.");
        return value.StringValue;

        static SqsException Empty(string name) => SqsException.InvalidParameterValue($"The message attribute '{name}' must contain a non-empty message attribute value.");
    }

    /// <summary>String, Number or Binary, with an optional <c>.label</c> of letters, digits, '_', '-' and '.'.</summary>
    private static string BaseType(string type, string name)
    {
        var dot = type.IndexOf('.', StringComparison.Ordinal);
        var baseType = dot < 0 ? type : type[..dot];
        var label = dot < 0 ? "" : type[(dot + 1)..];
        if (baseType is not ("String" or "Number" or "Binary") || (dot >= 0 && (label.Length == 0 || !IsNameText(label))) || type.Length > 256)
            throw SqsException.InvalidParameterValue($"The type of message (user) attribute '{name}' is invalid. You must use only the following supported type prefixes: Binary, Number, String.");
        return baseType;
    }

    private static void CheckName(string name)
    {
        if (name.Length is 0 or > 256 || !IsNameText(name) || name.StartsWith('.') || name.EndsWith('.') || name.Contains("..", StringComparison.Ordinal)
            || name.StartsWith("AWS.", StringComparison.OrdinalIgnoreCase) || name.StartsWith("Amazon.", StringComparison.OrdinalIgnoreCase)
            || DeadLetterAttributes.IsReserved(name))
            throw SqsException.InvalidParameterValue($"The message attribute name '{name}' is invalid: use 1 to 256 letters, digits, '_', '-' and '.', " +
                                                 "not starting with 'AWS.', 'Amazon.' or 'spartan.'.");
    }

    private static bool IsNameText(string text)
    {
        foreach (var c in text)
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('_' or '-' or '.')) return false;
        return true;
    }

    private static bool IsNumber(string text) =>
        text.Length <= 64 && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var n) && double.IsFinite(n);

    private static bool IsBinary(string type) => type.StartsWith("Binary", StringComparison.Ordinal);

    private static bool TryBase64(string value, out byte[] bytes)
    {
        bytes = new byte[value.Length * 3 / 4 + 3];
        if (!Convert.TryFromBase64String(value, bytes, out var written)) return false;
        Array.Resize(ref bytes, written);
        return true;
    }

    private static Dictionary<string, string> ParseTypes(string list)
    {
        var types = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in list.Split(','))
        {
            var eq = pair.IndexOf('=', StringComparison.Ordinal);
            if (eq > 0) types[pair[..eq]] = pair[(eq + 1)..];
        }

        return types;
    }
}
