using System.Buffers;
using System.Text.Json;
using System.Text.Unicode;
using System.Text;

namespace Spartan.Api.Http;

/// <summary>Where a request body keeps its messages.</summary>
public enum MessageLayout
{
    /// <summary>The body holds no message (delete, touch…).</summary>
    None,

    /// <summary>The root object is a message (push).</summary>
    Root,

    /// <summary>The root object's <c>messages</c> array holds messages (batch push).</summary>
    MessagesArray,
}

/// <summary>Measures messages in raw JSON that did not deserialise, so that a well-formed request with a message
/// over <c>body_size</c> is 413 even when it also has an unknown field, a duplicate field or a wrong type
/// (SPEC §3.4 checks size before validity). Only the failure path pays for this second read.</summary>
public static class MessageSizes
{
    /// <summary>True when <paramref name="json"/> is well-formed JSON (to its end) and one of its messages holds more
    /// than <paramref name="bodySize"/> bytes of decoded body plus attribute names and values. False when none does,
    /// or when the JSON cannot be read at all (syntax, invalid UTF-8, too deep): then its size cannot be judged.</summary>
    public static bool AnyExceeds(ReadOnlySequence<byte> json, int bodySize, MessageLayout layout)
    {
        if (layout == MessageLayout.None) return false;
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = ApiJson.MaxDepth });
        try
        {
            if (!reader.Read()) return false;
            var exceeds = false;
            if (reader.TokenType == JsonTokenType.StartObject)
                exceeds = layout == MessageLayout.Root ? MessageBytes(ref reader) > bodySize : AnyInArray(ref reader, bodySize);
            else
                reader.Skip();
            while (reader.Read())
            {
                // Whatever follows must be well-formed too (the reader throws on a second value or garbage).
            }

            return exceeds;
        }
        catch (JsonException)
        {
            return false;
        }
        catch (InvalidOperationException)
        {
            return false; // a string that is not valid UTF-8 or UTF-16 (a lone surrogate escape)
        }
    }

    /// <summary>From the root object's start to its end: true when a message of its <c>messages</c> array is too large.</summary>
    private static bool AnyInArray(ref Utf8JsonReader reader, int bodySize)
    {
        var exceeds = false;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var messages = reader.ValueTextEquals("messages"u8);
            reader.Read();
            if (!messages || reader.TokenType != JsonTokenType.StartArray)
            {
                reader.Skip();
                continue;
            }

            while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            {
                if (reader.TokenType == JsonTokenType.StartObject) exceeds |= MessageBytes(ref reader) > bodySize;
                else reader.Skip();
            }
        }

        return exceeds;
    }

    /// <summary>From a message object's start to its end: the bytes that count toward <c>body_size</c>. Every
    /// <c>body</c> and <c>attributes</c> counts, duplicates included: such a request is invalid anyway, and the
    /// question is only whether it is also too large.</summary>
    private static long MessageBytes(ref Utf8JsonReader reader)
    {
        long bytes = 0;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var body = reader.ValueTextEquals("body"u8);
            var attributes = !body && reader.ValueTextEquals("attributes"u8);
            reader.Read();
            if (body && reader.TokenType == JsonTokenType.String)
            {
                bytes += DecodedLength(ref reader);
            }
            else if (attributes && reader.TokenType == JsonTokenType.StartObject)
            {
                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    bytes += DecodedLength(ref reader);
                    reader.Read();
                    if (reader.TokenType == JsonTokenType.String) bytes += DecodedLength(ref reader);
                    else reader.Skip();
                }
            }
            else
            {
                reader.Skip();
            }
        }

        return bytes;
    }

    /// <summary>UTF-8 bytes of the current string or property name once unescaped; throws
    /// <see cref="InvalidOperationException"/> when it is not valid UTF-8 or holds half a surrogate pair.</summary>
    private static long DecodedLength(ref Utf8JsonReader reader)
    {
        if (!reader.ValueIsEscaped && !reader.HasValueSequence)
            return Utf8.IsValid(reader.ValueSpan)
                ? reader.ValueSpan.Length
                : throw new InvalidOperationException("Invalid UTF-8.");
        return Encoding.UTF8.GetByteCount(reader.GetString()!);
    }
}
