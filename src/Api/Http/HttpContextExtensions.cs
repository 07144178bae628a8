using Microsoft.AspNetCore.Http.Features;

namespace Spartan.Api.Http;

/// <summary>Small accessors shared by the endpoints.</summary>
public static class HttpContextExtensions
{
    /// <summary>The <c>{queue}</c> route value; the gate has already checked that it names a declared queue.</summary>
    public static string QueueName(this HttpContext context) =>
        (string)context.Request.RouteValues[RequestGate.QueueRouteValue]!;

    /// <summary>Tells an HTTP/1.x client that the connection ends with this answer, because what is left of its
    /// request will not be read. HTTP/2 has no such header (a stream ends on its own), so nothing is set there.</summary>
    public static void CloseAfterResponse(this HttpContext context)
    {
        var protocol = context.Request.Protocol;
        if (HttpProtocol.IsHttp11(protocol) || HttpProtocol.IsHttp10(protocol))
            context.Response.Headers.Connection = "close";
    }

    /// <summary>For a request whose body nobody will read. Once the answer is out, Kestrel drains an unread body even
    /// from a connection it is closing (up to the request's limit, for up to 5 s), so a refused 25 MiB upload would
    /// still be received in full. A limit of 0 makes Kestrel close the connection instead, and the answer says so.</summary>
    public static void LeaveBodyUnread(this HttpContext context)
    {
        if (!HasBody(context)) return;
        context.BoundBody(0);
        context.CloseAfterResponse();
    }

    /// <summary>Kestrel's own limit for this request, so that even draining an unread body stops at the route's limit.
    /// Only possible before anything has read the body.</summary>
    public static void BoundBody(this HttpContext context, long limit)
    {
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
            size.MaxRequestBodySize = limit;
    }

    /// <summary>True when the request may carry a body: a length or a chunked transfer in HTTP/1.x, a stream not ended
    /// with its headers in HTTP/2.</summary>
    private static bool HasBody(HttpContext context) =>
        context.Features.Get<IHttpRequestBodyDetectionFeature>()?.CanHaveBody
        ?? (context.Request.ContentLength > 0 || context.Request.Headers.TransferEncoding.Count > 0);
}
