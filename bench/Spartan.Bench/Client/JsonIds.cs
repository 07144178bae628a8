using System.Text.Json;

namespace Spartan.Bench.Client;

/// <summary>Pulls message ids out of answers without building a DOM (the client shares the CPU with the server).</summary>
internal static class JsonIds
{
    /// <summary>The top-level <c>"id"</c> of a message object (pop answer).</summary>
    public static string? TopLevelId(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json);
        while (reader.Read())
        {
            if (reader.TokenType == JsonTokenType.PropertyName && reader.CurrentDepth == 1 && reader.ValueTextEquals("id"u8))
            {
                reader.Read();
                return reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
            }

            if (reader.CurrentDepth >= 1 && reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray) reader.Skip();
        }

        return null;
    }

    /// <summary>The <c>"id"</c> of every object in the top-level <c>"messages"</c> array (batch pop answer).</summary>
    public static List<string> MessageIds(ReadOnlySpan<byte> json)
    {
        var ids = new List<string>();
        var reader = new Utf8JsonReader(json);
        while (reader.Read())
        {
            if (reader.TokenType != JsonTokenType.PropertyName || reader.CurrentDepth != 1) continue;
            var isMessages = reader.ValueTextEquals("messages"u8);
            reader.Read();
            if (!isMessages || reader.TokenType != JsonTokenType.StartArray)
            {
                reader.Skip();
                continue;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.StartObject)
            {
                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    var isId = reader.ValueTextEquals("id"u8);
                    reader.Read();
                    if (isId && reader.TokenType == JsonTokenType.String) ids.Add(reader.GetString()!);
                    else reader.Skip();
                }
            }
        }

        return ids;
    }

    /// <summary>The integer member <paramref name="name"/> of a top-level object (e.g. <c>{"size": n}</c>).</summary>
    public static long? TopLevelLong(ReadOnlySpan<byte> json, string name)
    {
        var reader = new Utf8JsonReader(json);
        while (reader.Read())
        {
            if (reader.TokenType == JsonTokenType.PropertyName && reader.CurrentDepth == 1 && reader.ValueTextEquals(name))
            {
                reader.Read();
                return reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out var n) ? n : null;
            }
        }

        return null;
    }
}
