using Spartan.Client;

namespace Spartan.Samples.Worker;

/// <summary>Stands in for real work: logs the message and fails the ones that ask to, so they are redelivered.</summary>
public sealed partial class ResizeHandler(ILogger<ResizeHandler> logger) : IMessageHandler
{
    public async Task HandleAsync(ReceivedMessage message, CancellationToken ct)
    {
        LogHandling(logger, message.Id, message.Tries, message.Body);
        // Long work is safe: the processor extends the reservation while the handler runs.
        await Task.Delay(TimeSpan.FromMilliseconds(50), ct);
        if (message.Body.Contains("fail", StringComparison.OrdinalIgnoreCase))
            throw new InvalidOperationException("asked to fail: the processor requeues the message");
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Handling {Id} (try {Tries}): {Body}")]
    private static partial void LogHandling(ILogger logger, Guid id, uint tries, string body);
}
