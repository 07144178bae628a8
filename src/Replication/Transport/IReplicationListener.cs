using System.Net;

namespace Spartan.Replication.Transport;

/// <summary>Where a replica's primaries connect: sockets in a node, in-memory pipes in tests. The replica server owns
/// it and keeps its pre-authentication bounds (slots, frame size, window) above it, whatever the transport.</summary>
public interface IReplicationListener : IDisposable
{
    /// <summary>Starts listening; throws when the address cannot be taken (it is in use), before serving starts.</summary>
    void Start();

    /// <summary>Where it listens, once started (null for a transport without addresses).</summary>
    EndPoint? LocalEndPoint { get; }

    /// <summary>Waits for the next connection.</summary>
    ValueTask<IncomingLink> AcceptAsync(CancellationToken ct);
}

/// <summary>A connection a replica's listener accepted: its byte stream (which the link owns), the peer's name for the
/// log, and how to turn it away at once.</summary>
public sealed class IncomingLink(Stream stream, string remote, Action? reset = null)
{
    /// <summary>The bytes of the connection; disposing it closes the connection.</summary>
    public Stream Stream { get; } = stream;

    /// <summary>Who connected, as the log names it.</summary>
    public string Remote { get; } = remote;

    /// <summary>Closes the connection unanswered: with a reset where the transport has one, so a flood of refused
    /// connections leaves no TIME_WAIT behind.</summary>
    public void Reset()
    {
        try
        {
            reset?.Invoke();
        }
        finally
        {
            Stream.Dispose();
        }
    }
}
