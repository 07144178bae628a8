using System.Net;
using System.Net.Sockets;

namespace Spartan.Replication.Tests.Cluster;

/// <summary>A loopback TCP relay to a target port that a test can cut and restore: a client behind it loses etcd while
/// etcd itself stays up and others change keys. Its listener is bound (port 0) and held for the gate's whole life.</summary>
internal sealed class LoopbackGate : IDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly int _target;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<TcpClient> _open = [];
    private readonly Task _accepting;
    private bool _cut;

    public LoopbackGate(int targetPort)
    {
        _target = targetPort;
        _listener.Start();
        _accepting = AcceptAsync();
    }

    public string Url => $"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}";

    /// <summary>Drops every relayed connection, and drops each new one as soon as it is accepted.</summary>
    public void Cut()
    {
        lock (_open)
        {
            _cut = true;
            foreach (var client in _open) client.Dispose();
            _open.Clear();
        }
    }

    /// <summary>Relays new connections again.</summary>
    public void Restore()
    {
        lock (_open) _cut = false;
    }

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
        Cut();
        try { _accepting.Wait(TimeSpan.FromSeconds(5)); }
        catch (AggregateException) { }
        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient inbound;
            try { inbound = await _listener.AcceptTcpClientAsync(_stop.Token); }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException) { return; }

            var outbound = new TcpClient();
            lock (_open)
            {
                if (_cut)
                {
                    inbound.Dispose();
                    outbound.Dispose();
                    continue;
                }
                _open.Add(inbound);
                _open.Add(outbound);
            }
            _ = RelayAsync(inbound, outbound);
        }
    }

    private async Task RelayAsync(TcpClient inbound, TcpClient outbound)
    {
        try
        {
            await outbound.ConnectAsync(IPAddress.Loopback, _target, _stop.Token);
            var a = inbound.GetStream();
            var b = outbound.GetStream();
            await Task.WhenAny(a.CopyToAsync(b, _stop.Token), b.CopyToAsync(a, _stop.Token));
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException or InvalidOperationException)
        {
            // The gate was cut or the far end went away: either way this pair is done.
        }
        finally
        {
            inbound.Dispose();
            outbound.Dispose();
            lock (_open)
            {
                _open.Remove(inbound);
                _open.Remove(outbound);
            }
        }
    }
}
