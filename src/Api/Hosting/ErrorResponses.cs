using Microsoft.AspNetCore.WebUtilities;
using Spartan.Api.Http;
using Spartan.Storage;

namespace Spartan.Api.Hosting;

/// <summary>Makes every error problem+json (SPEC §3.4): a failed store is 503, a request Kestrel could not read is
/// 4xx, an unknown route or method gets a problem body, and anything unexpected is a 500 with no stack trace.</summary>
public sealed partial class ErrorResponses(RequestDelegate next, ILogger<ErrorResponses> logger)
{
    public async Task InvokeAsync(HttpContext context)
    {
        try
        {
            await next(context);
        }
        catch (StorageUnavailableException) when (!context.Response.HasStarted)
        {
            await Problems.WriteAsync(context, StatusCodes.Status503ServiceUnavailable, Problems.StorageUnavailable,
                "Nothing was acknowledged.");
            return;
        }
        catch (BadHttpRequestException error) when (!context.Response.HasStarted)
        {
            var title = error.StatusCode == StatusCodes.Status413PayloadTooLarge ? Problems.MessageTooLarge : Problems.InvalidRequest;
            await Problems.WriteAsync(context, error.StatusCode, title);
            return;
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            return; // the client went away; nobody is left to answer
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

    [LoggerMessage(Level = LogLevel.Error, Message = "Unexpected failure answering {Method} {Path}")]
    private static partial void LogUnexpected(ILogger logger, string method, PathString path, Exception error);
}
