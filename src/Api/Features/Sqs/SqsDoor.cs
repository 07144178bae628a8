using System.Buffers;
using System.Text.Json;
using Spartan.Api.Http;
using Spartan.Api.Hosting;
using Spartan.Engine;

namespace Spartan.Api.Features.Sqs;

/// <summary>The SQS-compatible door (SPEC §11): a POST with <c>X-Amz-Target: AmazonSQS.&lt;Action&gt;</c> to any path
/// (aws-sdk-js posts to the queue URL itself) is answered here, before routing, in the AWS JSON 1.0 protocol; the query
/// protocol's <c>Action=</c> requests get <c>InvalidAction</c>. Everything else goes on to the native API.</summary>
public sealed partial class SqsDoor(RequestDelegate next, SqsActions actions, SqsAuthentication authentication, NodeInfo node,
    SqsLimits limits, ILogger<SqsDoor> logger, ClusterCoordination? cluster = null)
{
    private const string TargetPrefix = "AmazonSQS.";
    private const string ContentType = "application/x-amz-json-1.0";

    /// <summary>The key under which the HTTP metrics find the route label of an SQS request.</summary>
    public const string RouteItem = "spartan.route";

    private readonly bool _replica = node.Role == NodeInfo.ReplicaRole;

    public Task InvokeAsync(HttpContext context)
    {
        var request = context.Request;
        if (!HttpMethods.IsPost(request.Method))
            return IsQueryProtocol(request) ? AnswerAsync(context, SqsException.InvalidAction(request.Query["Action"].ToString())) : next(context);
        var target = request.Headers["X-Amz-Target"].ToString();
        if (target.Length == 0)
            return IsQueryProtocol(request) ? AnswerAsync(context, SqsException.InvalidAction(request.Query["Action"].ToString())) : next(context);
        return ServeAsync(context, target);
    }

    /// <summary>A query/XML-protocol request (SPEC §11: not served): <c>Action=</c> in the query or a form body to <c>/</c>.</summary>
    private static bool IsQueryProtocol(HttpRequest request) =>
        request.Path == "/" && (request.Query.ContainsKey("Action") || request.HasFormContentType);

    private async Task ServeAsync(HttpContext context, string target)
    {
        var action = target.StartsWith(TargetPrefix, StringComparison.Ordinal) ? SqsActions.Find(target.AsSpan(TargetPrefix.Length)) : null;
        context.Items[RouteItem] = action is null ? "sqs" : "sqs:" + action.Name;
        byte[]? rented = null;
        try
        {
            if (action is null) throw SqsException.InvalidAction(target);
            var claimed = authentication.Identify(context.Request);
            if (_replica && action.Writes)
                throw SqsException.ServiceUnavailable("This node is a replica; send writes to its primary.");
            if (cluster is not null && action.Writes && !cluster.MayAcknowledge)
                throw SqsException.ServiceUnavailable("This node is not the cluster's primary; send writes to the primary.");
            (rented, var length) = await ReadBodyAsync(context);
            var body = rented.AsMemory(0, length);
            var caller = authentication.Verify(claimed, context, body.Span);
            await action.Run(actions, new SqsRequest(context, caller, body));
        }
        catch (SqsException error) when (!context.Response.HasStarted)
        {
            // Refused from the headers alone (unsigned, unknown id, a write on a replica): the body is never read.
            if (rented is null) context.LeaveBodyUnread();
            await AnswerAsync(context, error);
        }
        catch (JsonException error) when (!context.Response.HasStarted)
        {
            await AnswerAsync(context, SqsException.Serialization($"The request body is not valid for {target}: {error.Message}"));
        }
        catch (StorageUnavailableException) when (!context.Response.HasStarted)
        {
            await AnswerAsync(context, SqsException.ServiceUnavailable("Storage unavailable: nothing was acknowledged."));
        }
        catch (NotPrimaryException) when (!context.Response.HasStarted)
        {
            await AnswerAsync(context, SqsException.ServiceUnavailable("This node is not the cluster's primary; send writes to the primary."));
        }
        catch (QueueNotFoundException) when (!context.Response.HasStarted)
        {
            await AnswerAsync(context, SqsException.QueueDoesNotExist());
        }
        catch (BadHttpRequestException error) when (!context.Response.HasStarted)
        {
            LogUnreadable(logger, target, error.Message);
            context.CloseAfterResponse();
            await AnswerAsync(context, error.StatusCode == StatusCodes.Status413PayloadTooLarge
                ? new SqsException(413, "RequestEntityTooLarge", "RequestEntityTooLarge", $"A request may hold at most {limits.RequestBytes} bytes.")
                : SqsException.Serialization("The request could not be read."));
        }
        finally
        {
            if (rented is not null) ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <summary>The whole body, bounded: Kestrel stops a longer one itself (413), so an unsigned upload costs at most
    /// the limit, and a declared over-long one nothing.</summary>
    private async Task<(byte[] Buffer, int Length)> ReadBodyAsync(HttpContext context)
    {
        var request = context.Request;
        if (request.ContentLength > limits.RequestBytes)
        {
            throw new SqsException(413, "RequestEntityTooLarge", "RequestEntityTooLarge", $"A request may hold at most {limits.RequestBytes} bytes.");
        }

        context.BoundBody(limits.RequestBytes);
        var buffer = ArrayPool<byte>.Shared.Rent((int)Math.Min(request.ContentLength ?? 4096, limits.RequestBytes) + 1);
        var length = 0;
        try
        {
            while (true)
            {
                if (length == buffer.Length)
                {
                    var larger = ArrayPool<byte>.Shared.Rent(buffer.Length * 2);
                    buffer.AsSpan(0, length).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = larger;
                }

                var read = await request.Body.ReadAsync(buffer.AsMemory(length), context.RequestAborted);
                if (read == 0) return (buffer, length);
                length += read;
            }
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(buffer);
            throw;
        }
    }

    /// <summary>An SQS error as the SDKs read it: the status, <c>x-amzn-query-error</c> (their ErrorCode) and the
    /// shape in <c>__type</c> (their exception type).</summary>
    public static Task AnswerAsync(HttpContext context, SqsException error)
    {
        var response = context.Response;
        response.StatusCode = error.Status;
        response.Headers["x-amzn-query-error"] = error.Code + (error.SenderFault ? ";Sender" : ";Receiver");
        response.ContentType = ContentType;
        return response.WriteAsJsonAsync(new ErrorReply("com.amazonaws.sqs#" + error.Shape, error.Message), SqsJson.Default.ErrorReply,
            ContentType, context.RequestAborted);
    }

    [LoggerMessage(EventId = 80, Level = LogLevel.Debug, Message = "Unreadable SQS request {Target}: {Reason}")]
    private static partial void LogUnreadable(ILogger logger, string target, string reason);
}
