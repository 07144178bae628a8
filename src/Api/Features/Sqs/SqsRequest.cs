using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Spartan.Api.Features.Sqs;

/// <summary>One SQS request once its caller is known: the body read, and how to answer.</summary>
public readonly record struct SqsRequest(HttpContext Context, SqsCaller Caller, ReadOnlyMemory<byte> Body)
{
    private const string ContentType = "application/x-amz-json-1.0";
    private static readonly byte[] EmptyObject = "{}"u8.ToArray();

    /// <summary>The body as <typeparamref name="T"/>; an empty body is an empty request, as the SDKs send <c>{}</c>.</summary>
    public T Read<T>(JsonTypeInfo<T> type) where T : new() =>
        Body.IsEmpty ? new T() : JsonSerializer.Deserialize(Body.Span, type) ?? new T();

    public Task ReplyAsync<T>(T reply, JsonTypeInfo<T> type)
    {
        var response = Context.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = ContentType;
        return response.WriteAsJsonAsync(reply, type, ContentType, Context.RequestAborted);
    }

    /// <summary>An answer without members, as AWS gives to DeleteMessage and the like.</summary>
    public Task ReplyEmptyAsync()
    {
        var response = Context.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = ContentType;
        response.ContentLength = 2;
        return response.Body.WriteAsync(EmptyObject, Context.RequestAborted).AsTask();
    }
}
