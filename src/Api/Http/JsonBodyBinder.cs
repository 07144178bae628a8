using System.Buffers;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using FastEndpoints;

namespace Spartan.Api.Http;

/// <summary>Reads a request body as JSON whatever its Content-Type (so <c>curl -d</c> works), refusing to buffer more
/// than the route's byte limit. It runs only for requests <see cref="RequestGate"/> let through, and never answers
/// itself: what it finds wrong goes into a <see cref="RequestBodyState"/> for <see cref="BodyGate"/>.</summary>
public sealed class JsonBodyBinder<TRequest>(ApiLimits limits) : IRequestBinder<TRequest>
    where TRequest : class, new()
{
    private static readonly JsonTypeInfo<TRequest> Type =
        (JsonTypeInfo<TRequest>)ApiJson.Web.GetTypeInfo(typeof(TRequest))!;

    private static readonly bool IsBatch = typeof(IBatchBody).IsAssignableFrom(typeof(TRequest));

    public async ValueTask<TRequest> BindAsync(BinderContext ctx, CancellationToken ct)
    {
        var http = ctx.HttpContext;
        var limit = IsBatch ? limits.BatchRequestLimit : limits.RequestLimit;
        var reader = http.Request.BodyReader;
        while (true)
        {
            var read = await reader.ReadAsync(ct);
            var buffer = read.Buffer;
            if (buffer.Length > limit)
            {
                reader.AdvanceTo(buffer.End);
                http.Features.Set(new RequestBodyState { TooLarge = true });
                return new TRequest();
            }

            if (read.IsCompleted)
            {
                var request = Parse(http, buffer);
                reader.AdvanceTo(buffer.End);
                return request;
            }

            reader.AdvanceTo(buffer.Start, buffer.End);
        }
    }

    private static TRequest Parse(HttpContext http, ReadOnlySequence<byte> body)
    {
        string malformed;
        if (body.IsEmpty)
        {
            malformed = "A JSON request body is required.";
        }
        else
        {
            try
            {
                var parsed = body.IsSingleSegment
                    ? JsonSerializer.Deserialize(body.FirstSpan, Type)
                    : JsonSerializer.Deserialize(body.ToArray(), Type);
                if (parsed is not null) return parsed;
                malformed = "The request body must be a JSON object.";
            }
            catch (JsonException error)
            {
                malformed = JsonErrors.Describe(error);
            }
        }

        http.Features.Set(new RequestBodyState { Malformed = malformed });
        return new TRequest();
    }
}

/// <summary>Turns serializer errors into details that name the field and never a .NET type.</summary>
internal static class JsonErrors
{
    public static string Describe(JsonException error)
    {
        const string unmapped = "The JSON property '";
        var message = error.Message;
        if (message.StartsWith(unmapped, StringComparison.Ordinal))
        {
            var end = message.IndexOf('\'', unmapped.Length);
            if (end > 0) return $"Unknown field '{message[unmapped.Length..end]}'.";
        }

        var path = error.Path is { Length: > 2 } p && p.StartsWith("$.", StringComparison.Ordinal) ? p[2..] : null;
        if (message.Contains("duplicate", StringComparison.OrdinalIgnoreCase))
            return path is null ? "Duplicate field." : $"Duplicate field '{path}'.";
        return path is null
            ? "Malformed JSON body."
            : $"Field '{path}' has the wrong type or is out of range.";
    }
}
