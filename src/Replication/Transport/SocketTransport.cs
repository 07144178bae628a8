using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Spartan.Replication.Transport;

/// <summary>Replication over TCP, as a node runs it: the primary's dialer and the replica's listener.</summary>
public static class SocketTransport
{
    /// <summary>Connects to <paramref name="destination"/> (<c>host:port</c>) once per call; the stream owns the socket.</summary>
    public static Func<CancellationToken, ValueTask<Stream>> Dialer(string destination) => async ct =>
    {
        var (host, port) = SplitHostPort(destination);
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
        try
        {
            await socket.ConnectAsync(host, port, ct);
            socket.NoDelay = true; // frames are small and the stream is latency-bound
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    };

    /// <summary>Splits <c>host:port</c>, an IPv6 address in brackets included.</summary>
    public static (string Host, int Port) SplitHostPort(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (IPEndPoint.TryParse(value, out var endPoint) && endPoint.Port != 0)
            return (endPoint.Address.ToString(), endPoint.Port);
        var colon = value.LastIndexOf(':');
        return (value[..colon], int.Parse(value[(colon + 1)..], CultureInfo.InvariantCulture));
    }
}

/// <summary>A TCP listener for a replica's primaries.</summary>
/// <remarks>Owned by the replica server's accept loop, which is its only caller; disposing it ends a pending accept.</remarks>
public sealed class SocketListener(IPEndPoint endPoint, int backlog) : IReplicationListener
{
    private Socket? _socket;

    public EndPoint? LocalEndPoint => _socket?.LocalEndPoint;

    public void Start()
    {
        var socket = new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            socket.Bind(endPoint);
            socket.Listen(backlog);
            _socket = socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    public async ValueTask<IncomingLink> AcceptAsync(CancellationToken ct)
    {
        var listener = _socket ?? throw new InvalidOperationException("Start the listener first.");
        var socket = await listener.AcceptAsync(ct);
        var remote = "?";
        try
        {
            remote = socket.RemoteEndPoint?.ToString() ?? remote;
            socket.NoDelay = true;
        }
        catch (SocketException)
        {
            // Already reset by the peer: the session (or the turn-away) finds out on its first read.
        }

        return new IncomingLink(new NetworkStream(socket, ownsSocket: true), remote, () => Abort(socket));
    }

    public void Dispose() => _socket?.Dispose();

    /// <summary>Closes with a reset: the socket itself, before its stream, which would shut it down with a FIN first.</summary>
    private static void Abort(Socket socket)
    {
        try
        {
            socket.LingerState = new LingerOption(true, 0);
        }
        catch (SocketException)
        {
            // Already reset by the peer: closing is all that is left.
        }

        socket.Dispose();
    }
}
