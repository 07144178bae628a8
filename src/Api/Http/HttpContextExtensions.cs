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
}
