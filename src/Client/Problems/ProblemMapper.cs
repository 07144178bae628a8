using System.Net;

namespace Spartan.Client;

/// <summary>Turns an error answer into the typed exception of its title (SPEC §3.4).</summary>
internal static class ProblemMapper
{
    public static SpartanException Map(HttpStatusCode status, string? title, string? detail, Guid? messageId = null)
    {
        // An answer without a problem body (a proxy's 502, say) keeps its status; the reason phrase stands for a title.
        title ??= $"HTTP {(int)status}";
        return title switch
        {
            "Queue not found" => new QueueNotFoundException(status, title, detail),
            "Message not found" => new MessageNotFoundException(status, title, detail, messageId),
            "No message available" => new NoMessageAvailableException(status, title, detail),
            "Stale receipt" => new StaleReceiptException(status, title, detail, messageId),
            "Message too large" => new MessageTooLargeException(status, title, detail),
            "Invalid request" => new InvalidRequestException(status, title, detail),
            "Authorization header not found" or "Incorrect key header" or "Access denied" =>
                new AccessDeniedException(status, title, detail),
            "Queue exists" or "Declared queue" or "Queue in use" or "Too many queues" =>
                new QueueConflictException(status, title, detail),
            "Runtime queues disabled" => new RuntimeQueuesDisabledException(status, title, detail),
            _ when status == HttpStatusCode.ServiceUnavailable => new ServiceUnavailableException(status, title, detail),
            _ => new SpartanException(status, title, detail),
        };
    }
}
