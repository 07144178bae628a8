namespace Spartan.Api.Http;

/// <summary>Small accessors shared by the endpoints.</summary>
public static class HttpContextExtensions
{
    /// <summary>The <c>{queue}</c> route value; the gate has already checked that it names a declared queue.</summary>
    public static string QueueName(this HttpContext context) =>
        (string)context.Request.RouteValues[RequestGate.QueueRouteValue]!;
}
