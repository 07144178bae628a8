using System.Globalization;
using System.Net.Sockets;
using System.Net;
using System.Text.RegularExpressions;
using System.Text;
using Tomlyn;
using Tomlyn.Model;

namespace Spartan.Api.Configuration;

/// <summary>Limits, defaults and small checks shared by the loader and the template.</summary>
internal static partial class ConfigRules
{
    public const string QueueNamePattern = "^[A-Za-z0-9][A-Za-z0-9_-]{0,79}$";

    public const int DefaultBodySize = 32 * 1024;

    /// <summary>
    /// Largest accepted <c>body_size</c>: 64 MiB. SPEC §4 only says "positive"; a request may
    /// carry 6 × body_size + 64 KiB bytes (SPEC §3.4), so the cap keeps that inside an int
    /// and keeps one message from exhausting memory.
    /// </summary>
    public const int MaxBodySize = 64 * 1024 * 1024;

    public const int DefaultGcTimer = 300;

    /// <summary>Default of <c>max_queues</c> (SPEC §10).</summary>
    public const int DefaultMaxQueues = 10_000;

    /// <summary>Largest accepted <c>max_queues</c>: every queue costs a few hundred bytes and a metrics series per
    /// state, so a million is already far beyond what one node should hold.</summary>
    public const int MaxMaxQueues = 1_000_000;
    public const string DefaultPersistencePath = "./db";
    public const int DefaultPersistenceTimer = 900;
    public const int DefaultReplicationTimer = 180;
    public const int DefaultPrimaryTryTimer = 10;
    public const int DefaultReplicaTryTimer = 5;

    /// <summary>
    /// Largest accepted value of any timer (seconds): one week. SPEC §4 only says "positive";
    /// .NET timers reject periods over about 49 days, so an unbounded value would fail at run
    /// time instead of at load time.
    /// </summary>
    public const int MaxTimerSeconds = 7 * 24 * 60 * 60;

    [GeneratedRegex(QueueNamePattern, RegexOptions.CultureInvariant)]
    private static partial Regex QueueNameRegex();

    [GeneratedRegex("^[A-Za-z0-9_-]+$", RegexOptions.CultureInvariant)]
    private static partial Regex BareKeyRegex();

    [GeneratedRegex("^[A-Za-z0-9]([A-Za-z0-9_.-]*[A-Za-z0-9])?$", RegexOptions.CultureInvariant)]
    private static partial Regex HostNameRegex();

    /// <summary>Whether <paramref name="name"/> is a valid queue name (SPEC §4).</summary>
    public static bool IsValidQueueName(string name) => QueueNameRegex().IsMatch(name);

    /// <summary>
    /// Whether <paramref name="value"/> is <c>host:port</c>: a host name or IPv4 address, or an
    /// IPv6 address in brackets, then a port from 1 to 65535 written in decimal.
    /// </summary>
    /// <param name="value">The text to check.</param>
    /// <param name="anyPort">Also accept port 0: a listening address whose port the system picks (and the log names).</param>
    public static bool IsValidHostPort(string value, bool anyPort = false)
    {
        int colon = value.LastIndexOf(':');
        if (colon <= 0 || colon == value.Length - 1)
        {
            return false;
        }

        string host = value[..colon];
        string port = value[(colon + 1)..];
        if (port.Length > 5 || !port.All(char.IsAsciiDigit)
            || !int.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out int portNumber)
            || portNumber > 65535 || (portNumber == 0 && !anyPort))
        {
            return false;
        }

        if (host.StartsWith('[') && host.EndsWith(']'))
        {
            return IPAddress.TryParse(host[1..^1], out IPAddress? address)
                && address.AddressFamily == AddressFamily.InterNetworkV6;
        }

        return host.Length <= 253 && HostNameRegex().IsMatch(host);
    }

    /// <summary>Whether an access key can travel in an <c>Authorization: Bearer</c> header: printable ASCII, no spaces.</summary>
    public static bool IsValidAccessKey(string key) => key.Length > 0 && key.All(c => c is > ' ' and <= '~');

    /// <summary>An SQS access key id: what SDKs put in a signature's credential scope.</summary>
    public static bool IsValidAccessKeyId(string id) => id.Length is > 0 and <= 128 && id.All(char.IsAsciiLetterOrDigit);

    /// <summary>An AWS region name as SDKs send it.</summary>
    public static bool IsValidRegion(string region) =>
        region.Length is > 0 and <= 32 && region.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-');

    /// <summary>An absolute http(s) URL without query or fragment: the base of the queue URLs SQS clients are given.</summary>
    public static bool IsValidPublicUrl(string url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"
        && string.IsNullOrEmpty(uri.Query) && string.IsNullOrEmpty(uri.Fragment) && !url.Contains('?') && !url.Contains('#');

    /// <summary>A key as it appears in a key path: bare when possible, else quoted.</summary>
    public static string FormatKey(string key) => BareKeyRegex().IsMatch(key) ? key : Quote(key);

    /// <summary>A TOML basic string literal for <paramref name="value"/>.</summary>
    public static string Quote(string value)
    {
        var builder = new StringBuilder(value.Length + 2).Append('"');
        foreach (char c in value)
        {
            _ = c switch
            {
                '"' => builder.Append("\\\""),
                '\\' => builder.Append("\\\\"),
                '\n' => builder.Append("\\n"),
                '\t' => builder.Append("\\t"),
                '\r' => builder.Append("\\r"),
                _ when char.IsControl(c) => builder.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:X4}"),
                _ => builder.Append(c),
            };
        }

        return builder.Append('"').ToString();
    }

    /// <summary>A short description of a parsed TOML value for "got …" in messages.</summary>
    public static string Describe(object? value) => value switch
    {
        null => "nothing",
        string s => Quote(s.Length > 80 ? s[..80] + "…" : s),
        long l => l.ToString(CultureInfo.InvariantCulture),
        double d => "the float " + d.ToString("R", CultureInfo.InvariantCulture),
        bool b => b ? "true" : "false",
        TomlDateTime dt => "the date-time " + dt.ToString(),
        TomlTable => "a table",
        TomlArray or TomlTableArray => "an array",
        _ => "a value of type " + value.GetType().Name,
    };
}
