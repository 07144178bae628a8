using System.Text.Json.Serialization.Metadata;
using FastEndpoints;
using Spartan.Domain;

namespace Spartan.Api.Http;

/// <summary>Writes 200 answers with source-generated JSON and maps domain outcomes to SPEC §3.4 errors.</summary>
public static class Replies
{
    private static readonly byte[] JsonNull = "null"u8.ToArray();

    public static async Task OkAsync<T>(HttpContext context, T value, JsonTypeInfo<T> type)
    {
        await context.Response.WriteAsJsonAsync(value, type, "application/json", context.RequestAborted);
        context.MarkResponseStart();
    }

    /// <summary>The original API answers requeue and clear with a JSON <c>null</c>.</summary>
    public static async Task NullAsync(HttpContext context)
    {
        context.Response.ContentType = "application/json";
        await context.Response.Body.WriteAsync(JsonNull, context.RequestAborted);
        context.MarkResponseStart();
    }

    public static Task OutcomeAsync(HttpContext context, Outcome outcome) => outcome switch
    {
        Outcome.NoMessage => Problems.WriteAsync(context, StatusCodes.Status404NotFound, Problems.NoMessageAvailable),
        Outcome.MessageNotFound => Problems.WriteAsync(context, StatusCodes.Status404NotFound, Problems.MessageNotFound),
        Outcome.StaleReceipt => Problems.WriteAsync(context, StatusCodes.Status409Conflict, Problems.StaleReceipt,
            "The receipt does not name the message's current reservation."),
        _ => NullAsync(context),
    };

    /// <summary>Answers a message decision: the message object, or the error its outcome names.</summary>
    public static Task MessageAsync(HttpContext context, MessageDecision decision) =>
        decision.Message is { } message
            ? OkAsync(context, MessageJson.From(message), ApiJson.Web.MessageJson)
            : OutcomeAsync(context, decision.Outcome);
}
