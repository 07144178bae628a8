using System.Buffers;
using System.IO.Pipelines;
using System.Text.Json.Serialization.Metadata;
using System.Text.Json;
using FastEndpoints;

namespace Spartan.Api.Http;

/// <summary>Reads a request body as JSON whatever its Content-Type (so <c>curl -d</c> works), refusing to buffer more
/// than the route's byte limit. It runs only for requests <see cref="RequestGate"/> let through, and never answers
/// itself: what it finds wrong goes into a <see cref="RequestBodyState"/> for <see cref="BodyGate"/>.</summary>
public sealed class JsonBodyBinder<TRequest>(ApiLimits limits, ILoggerFactory loggers) : IRequestBinder<TRequest>
    where TRequest : class, new()
{
    private const string BrokenTransfer = "The request body could not be read: the transfer is malformed or incomplete.";

    private static readonly JsonTypeInfo<TRequest> Type =
        (JsonTypeInfo<TRequest>)ApiJson.Web.GetTypeInfo(typeof(TRequest))!;

    private static readonly bool IsBatch = typeof(IBatchBody).IsAssignableFrom(typeof(TRequest));

    private static readonly bool IsOptional = typeof(IOptionalBody).IsAssignableFrom(typeof(TRequest));

    private static readonly MessageLayout Layout =
        typeof(IMessageBody).IsAssignableFrom(typeof(TRequest)) ? MessageLayout.Root
        : typeof(IMessageBatchBody).IsAssignableFrom(typeof(TRequest)) ? MessageLayout.MessagesArray
        : MessageLayout.None;

    private readonly ILogger _logger = loggers.CreateLogger("Spartan.Api.Http.JsonBodyBinder");

    public ValueTask<TRequest> BindAsync(BinderContext ctx, CancellationToken ct) => BindAsync(ctx.HttpContext, ct);

    /// <summary>Reads the body of <paramref name="http"/>: for FastEndpoints (above) and for the routes that
    /// <see cref="RequestGate"/> runs itself (<see cref="DirectRoutes"/>).</summary>
    public async ValueTask<TRequest> BindAsync(HttpContext http, CancellationToken ct)
    {
        var limit = IsBatch ? limits.BatchRequestLimit : limits.RequestLimit;
        var reader = http.Request.BodyReader;
        BodyBuffer? copied = null;
        ReadResult read;
        try
        {
            while (true)
            {
                read = await reader.ReadAsync(ct);
                if ((copied?.Length ?? 0) + read.Buffer.Length > limit)
                {
                    reader.AdvanceTo(read.Buffer.End);
                    return Refuse(http, new RequestBodyState { TooLarge = true });
                }

                // The common case, a body that arrives whole in one read, is parsed in place without a copy.
                if (read.IsCompleted && copied is null) break;
                copied ??= new BodyBuffer();
                copied.Append(read.Buffer);
                reader.AdvanceTo(read.Buffer.End);
                if (read.IsCompleted) return Parse(http, copied.ToSequence());
            }
        }
        catch (BadHttpRequestException error)
        {
            // Kestrel's limit for this route (set by the gate), or a transfer it could not frame: a length mismatch,
            // a truncated body, bad chunking.
            BodyLog.Unreadable(_logger, http.Request.Method, http.Request.Path, error.Message);
            return Refuse(http, error.StatusCode == StatusCodes.Status413PayloadTooLarge
                ? new RequestBodyState { TooLarge = true }
                : new RequestBodyState { Malformed = BrokenTransfer });
        }
        catch (IOException error) when (!http.RequestAborted.IsCancellationRequested)
        {
            // Kestrel reports some framing errors (a chunk size that overflows an int) as a bare IOException.
            BodyLog.Unreadable(_logger, http.Request.Method, http.Request.Path, error.Message);
            return Refuse(http, new RequestBodyState { Malformed = BrokenTransfer });
        }

        var request = Parse(http, read.Buffer);
        reader.AdvanceTo(read.Buffer.End);
        return request;
    }

    /// <summary>Records the failure for <see cref="BodyGate"/>. The rest of the transfer is unread or unreadable, so
    /// the connection cannot carry another request.</summary>
    private static TRequest Refuse(HttpContext http, RequestBodyState state)
    {
        http.Features.Set(state);
        http.CloseAfterResponse();
        return new TRequest();
    }

    private TRequest Parse(HttpContext http, ReadOnlySequence<byte> body)
    {
        if (body.IsEmpty)
        {
            if (IsOptional) return new TRequest();
            http.Features.Set(new RequestBodyState { Malformed = "A JSON request body is required." });
            return new TRequest();
        }

        string malformed;
        try
        {
            var parsed = body.IsSingleSegment ? JsonSerializer.Deserialize(body.FirstSpan, Type) : DeserializeSegmented(body);
            if (parsed is not null) return parsed;
            malformed = "The request body must be a JSON object.";
        }
        catch (JsonException error)
        {
            // Size comes before validity (SPEC §3.4): a well-formed request with a message over body_size is 413
            // whatever else is wrong with it.
            if (MessageSizes.AnyExceeds(body, limits.BodySize, Layout))
            {
                http.Features.Set(new RequestBodyState { TooLarge = true });
                return new TRequest();
            }

            malformed = JsonErrors.Describe(error);
        }

        http.Features.Set(new RequestBodyState { Malformed = malformed });
        return new TRequest();
    }

    /// <summary>Parses a body that arrived in several segments where it lies, rather than copying it into one array
    /// first (a batch may be 25 MiB). The reader gets the serializer's depth limit; the serializer reads one value,
    /// so whatever follows it must be nothing, as when parsing a span.</summary>
    private static TRequest? DeserializeSegmented(ReadOnlySequence<byte> body)
    {
        var reader = new Utf8JsonReader(body, new JsonReaderOptions { MaxDepth = ApiJson.MaxDepth });
        var parsed = JsonSerializer.Deserialize(ref reader, Type);
        if (reader.Read()) throw new JsonException("The request body holds more than one JSON value.");
        return parsed;
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

/// <summary>Logs of reading request bodies: a client's broken transfer is its own problem, worth a Debug line at most.</summary>
internal static partial class BodyLog
{
    [LoggerMessage(Level = LogLevel.Debug, Message = "Unreadable request body on {Method} {Path}: {Reason}")]
    public static partial void Unreadable(ILogger logger, string method, PathString path, string reason);
}
