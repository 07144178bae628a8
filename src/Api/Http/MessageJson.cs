using System.Globalization;
using NodaTime;
using Spartan.Domain;

namespace Spartan.Api.Http;

/// <summary>The message object of SPEC §3.3.</summary>
public sealed record MessageJson(
    Guid Id,
    string Body,
    int Priority,
    IReadOnlyDictionary<string, string> Attributes,
    string? Receipt,
    MessageStateJson State,
    MessageTimeJson Time)
{
    public static MessageJson From(MessageSnapshot m) => new(
        m.Id, m.Body.ToString(), m.Priority, m.Attributes, m.Receipt?.ToString(),
        new MessageStateJson(m.Status == MessageStatus.Transit ? "Transit" : "Available", m.Tries, m.MaxTries),
        new MessageTimeJson(m.OffsetSeconds, Rfc3339.Format(m.DispatchedAt, m.OffsetSeconds),
            m.DelayedUntil is { } d ? Rfc3339.Format(d, m.OffsetSeconds) : null,
            new MessageTimeoutJson(m.Timeout, m.ObtainedAt is { } o ? Rfc3339.Format(o, m.OffsetSeconds) : null)));
}

/// <summary><c>state</c> of a message object.</summary>
public sealed record MessageStateJson(string Status, uint Tries, uint MaxTries);

/// <summary><c>time</c> of a message object.</summary>
public sealed record MessageTimeJson(int Offset, string DispatchedAt, string? Delay, MessageTimeoutJson Timeout);

/// <summary><c>time.timeout</c> of a message object.</summary>
public sealed record MessageTimeoutJson(uint Max, string? ObtainedAt);

/// <summary>RFC 3339 in a message's own offset, which may be up to a day and need not be whole minutes —
/// beyond what NodaTime's <see cref="Offset"/> (±18 h) holds, hence the hand-made suffix.</summary>
public static class Rfc3339
{
    public static string Format(Instant instant, int offsetSeconds)
    {
        var local = instant.Plus(Duration.FromSeconds(offsetSeconds)).InUtc().LocalDateTime;
        if (local.Year is < 0 or > 9999) return FormatAnyYear(local, offsetSeconds);

        // Written digit by digit into one buffer: every message object carries two or three of these, and formatting
        // them through interpolated strings was a measurable part of a pop's answer (issue 15).
        var abs = Math.Abs(offsetSeconds);
        var seconds = abs % 60;
        Span<char> text = stackalloc char[32];
        Digits(text[..4], local.Year);
        text[4] = '-';
        Digits(text.Slice(5, 2), local.Month);
        text[7] = '-';
        Digits(text.Slice(8, 2), local.Day);
        text[10] = 'T';
        Digits(text.Slice(11, 2), local.Hour);
        text[13] = ':';
        Digits(text.Slice(14, 2), local.Minute);
        text[16] = ':';
        Digits(text.Slice(17, 2), local.Second);
        text[19] = '.';
        Digits(text.Slice(20, 3), local.Millisecond);
        text[23] = offsetSeconds < 0 ? '-' : '+';
        Digits(text.Slice(24, 2), abs / 3600);
        text[26] = ':';
        Digits(text.Slice(27, 2), abs / 60 % 60);
        if (seconds == 0) return new string(text[..29]);
        text[29] = ':';
        Digits(text.Slice(30, 2), seconds);
        return new string(text[..32]);
    }

    /// <summary>Writes <paramref name="value"/> (not negative) into all of <paramref name="into"/>, zero-padded.</summary>
    private static void Digits(Span<char> into, int value)
    {
        for (var i = into.Length - 1; i >= 0; i--)
        {
            into[i] = (char)('0' + value % 10);
            value /= 10;
        }
    }

    /// <summary>Years outside 0…9999 (never a message's, but an instant can be): the general formatting.</summary>
    private static string FormatAnyYear(LocalDateTime local, int offsetSeconds)
    {
        var sign = offsetSeconds < 0 ? '-' : '+';
        var abs = Math.Abs(offsetSeconds);
        var (hours, minutes, seconds) = (abs / 3600, abs / 60 % 60, abs % 60);
        var text = string.Create(CultureInfo.InvariantCulture,
            $"{local.Year:D4}-{local.Month:D2}-{local.Day:D2}T{local.Hour:D2}:{local.Minute:D2}:{local.Second:D2}.{local.Millisecond:D3}{sign}{hours:D2}:{minutes:D2}");
        return seconds == 0 ? text : string.Create(CultureInfo.InvariantCulture, $"{text}:{seconds:D2}");
    }
}
