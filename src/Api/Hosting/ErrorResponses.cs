using Microsoft.AspNetCore.WebUtilities;
using Spartan.Api.Http;
using Spartan.Engine;

namespace Spartan.Api.Hosting;

/// <summary>Makes every error problem+json (SPEC §3.4): a failed store is 503, a queue deleted under a request 404, a request Kestrel could not read is
/// 4xx, an unknown route or method gets a problem body, and anything unexpected is a 500 with no stack trace.</summary>
public sealed partial class ErrorResponses(RequestDelegate next, ILogger<ErrorResponses> logger, ClusterCoordination? cluster = null)
{
    public async Task InvokeAsync(HttpContext context)
    {
        try
        {
            await next(context);
        }
        catch (Exception error) when (error is OperationCanceledException or IOException && context.RequestAborted.IsCancellationRequested)
        {
            return; // the client went away; nobody is left to answer, and it is not the server's failure
        }
        catch (StorageUnavailableException) when (!context.Response.HasStarted)
        {
            await Problems.WriteAsync(context, StatusCodes.Status503ServiceUnavailable, Problems.StorageUnavailable,
                "Nothing was acknowledged.");
            return;
        }
        catch (NotPrimaryException) when (!context.Response.HasStarted && cluster is not null)
        {
            // Admitted while primary, refused by the commit loop or its barrier: the role changed under the request.
            await RequestGate.NotPrimaryAsync(context, cluster);
            return;
        }
        catch (QueueNotFoundException) when (!context.Response.HasStarted)
        {
            // The queue was deleted between the gate's check and the commit loop (SPEC §10).
            await Problems.WriteAsync(context, StatusCodes.Status404NotFound, Problems.QueueNotFound);
            return;
        }
        catch (Exception error) when (!context.Response.HasStarted && UnreadableRequest(error) is { } unreadable)
        {
            // JsonBodyBinder answers these itself; this is the backstop for any other reader of the request.
            LogUnreadable(logger, context.Request.Method, context.Request.Path, error.Message);
            context.CloseAfterResponse();
            await Problems.WriteAsync(context, unreadable,
                unreadable == StatusCodes.Status413PayloadTooLarge ? Problems.MessageTooLarge : Problems.InvalidRequest);
            return;
        }
        catch (Exception error) when (!context.Response.HasStarted)
        {
            LogUnexpected(logger, context.Request.Method, context.Request.Path, error);
            await Problems.WriteAsync(context, StatusCodes.Status500InternalServerError, "Internal error");
            return;
        }

        var status = context.Response.StatusCode;
        if (status >= 400 && !context.Response.HasStarted && context.Response.ContentLength is null or 0)
            await Problems.WriteAsync(context, status, ReasonPhrases.GetReasonPhrase(status));
    }

    /// <summary>The status for a request whose transfer Kestrel could not read: its own 4xx (413 for its size limit),
    /// or 400 for the framing errors it reports as a bare <see cref="IOException"/> (a chunk size that overflows).</summary>
    private static int? UnreadableRequest(Exception error) => error switch
    {
        BadHttpRequestException bad => bad.StatusCode,
        IOException => StatusCodes.Status400BadRequest,
        _ => null,
    };

    [LoggerMessage(Level = LogLevel.Debug, Message = "Unreadable request {Method} {Path}: {Reason}")]
    private static partial void LogUnreadable(ILogger logger, string method, PathString path, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Unexpected failure answering {Method} {Path}")]
    private static partial void LogUnexpected(ILogger logger, string method, PathString path, Exception error);
}
