namespace Spartan.Api.Hosting;

/// <summary>One part of a running node, started and stopped by <see cref="NodeLifecycle"/>.</summary>
public interface INodePart
{
    /// <summary>How the part is named in logs and in the order tests.</summary>
    string Name { get; }

    Task StartAsync(CancellationToken cancellationToken);

    Task StopAsync(CancellationToken cancellationToken);
}

/// <summary>Starts a node's parts in one explicit order and stops them in the reverse order (SPEC §5 graceful stop), instead
/// of relying on the order hosted services happen to be registered in.</summary>
/// <remarks>The order, as <see cref="SpartanServer"/> builds it: snapshots (armed first, so they stop last and the final
/// snapshot sees every answered request), the commit loop (its observers are added before it runs), replication,
/// maintenance timers, compaction, the store's resume timer. The HTTP server starts after all of them and stops before
/// them, draining requests in flight. A part that fails to start stops the ones already started, in reverse, and the
/// failure is the node's; a part that fails to stop is logged and the others still stop.</remarks>
public sealed partial class NodeLifecycle(IReadOnlyList<INodePart> parts, ILogger<NodeLifecycle> logger) : IHostedService
{
    private int _started;

    /// <summary>The parts, in start order.</summary>
    public IReadOnlyList<INodePart> Parts { get; } = parts;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        for (_started = 0; _started < Parts.Count; _started++)
        {
            try
            {
                await Parts[_started].StartAsync(cancellationToken);
            }
            catch
            {
                await StopStartedAsync(CancellationToken.None);
                throw;
            }
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => StopStartedAsync(cancellationToken);

    private async Task StopStartedAsync(CancellationToken cancellationToken)
    {
        while (_started > 0)
        {
            var part = Parts[--_started];
            try
            {
                await part.StopAsync(cancellationToken);
            }
            catch (Exception error)
            {
                LogStopFailed(logger, part.Name, error);
            }
        }
    }

    [LoggerMessage(EventId = 80, Level = LogLevel.Error, Message = "Stopping {Part} failed; the other parts still stop")]
    private static partial void LogStopFailed(ILogger logger, string part, Exception error);
}
