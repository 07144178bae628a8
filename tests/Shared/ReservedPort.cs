using System.Net.Sockets;
using System.Net;

namespace Spartan.Tests.Shared;

/// <summary>A loopback port this test owns for its whole life: a socket bound to it (chosen by the system, port 0)
/// with <c>SO_REUSEADDR</c>, never listening, closed on dispose.</summary>
/// <remarks>
/// Why not bind, read and release: between the release and the next bind any process may be handed the number (a
/// port-0 bind, an outgoing connection's source port). While this socket holds it, Linux hands it to nobody: port-0
/// binds and outgoing connections skip a port that a socket is bound to. Two uses follow:
/// <list type="bullet">
/// <item>an address nobody answers on (a dead replica): a connection to a bound port that does not listen is refused;</item>
/// <item>the replication port of a replica a test restarts: <c>spartan</c> is .NET, whose listening sockets set
/// <c>SO_REUSEADDR</c> on Linux, and such a socket may bind and listen on a port that other <c>SO_REUSEADDR</c>
/// sockets hold without listening (socket(7)). So each start of the replica binds this port again, and while it is
/// down nobody else can take it. Go's listeners set <c>SO_REUSEADDR</c> too, so a test's <c>etcd</c> is restarted on
/// its reserved client and peer ports the same way.</item>
/// </list>
/// While a replica listens on the port, the reservation cannot be taken (bind refuses a port with a listener): reserve
/// first, then start the replica on <see cref="Port"/>.
/// </remarks>
internal sealed class ReservedPort : IDisposable
{
    private readonly Socket _socket = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);

    public ReservedPort()
    {
        try
        {
            _socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            _socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            Port = ((IPEndPoint)_socket.LocalEndPoint!).Port;
        }
        catch
        {
            _socket.Dispose();
            throw;
        }
    }

    public int Port { get; }

    public void Dispose() => _socket.Dispose();
}
