using Spartan.Bench.Client;
using Spartan.Bench.Server;

namespace Spartan.Bench.Workloads;

/// <summary>One configuration under test: its temp folder, the server running on it, and C keep-alive clients.
/// The server can be stopped, killed and started again on the same folder; dispose stops it and deletes the folder.</summary>
internal sealed class Session : IAsyncDisposable
{
    public static readonly TimeSpan StartDeadline = TimeSpan.FromSeconds(300);
    public static readonly TimeSpan StopGrace = TimeSpan.FromSeconds(60);
    private readonly int _clientCount;
    private readonly string _binary;
    private List<QueueClient> _clients = [];
    private ServerProcess? _server;

    private Session(ServerMode mode, BenchFolder folder, int clientCount, string binary)
    {
        Mode = mode;
        Folder = folder;
        _clientCount = clientCount;
        _binary = binary;
    }

    public ServerMode Mode { get; }
    public BenchFolder Folder { get; }
    public ServerProcess Server => _server ?? throw new InvalidOperationException("the server is not running");
    public IReadOnlyList<QueueClient> Clients => _clients;

    /// <summary>The running server's HTTP address.</summary>
    public Uri Address { get; private set; } = new("http://127.0.0.1/");

    /// <summary>What the last server stopped or killed wrote (its final lines).</summary>
    public IReadOnlyList<string> LastServerLog { get; private set; } = [];

    /// <summary>Problems worth a line in the report (a server that needed SIGKILL, a non-zero exit code).</summary>
    public List<string> Warnings { get; } = [];

    /// <summary>A fresh folder for <paramref name="mode"/> and the bench's own <c>spartan</c> started on it.</summary>
    public static Task<Session> StartAsync(ServerMode mode, int clients, CancellationToken ct) =>
        StartAsync(mode, clients, ServerProcess.Binary, ct);

    /// <summary>A fresh folder for <paramref name="mode"/> and <paramref name="binary"/> (another build, for an A/B run)
    /// started on it.</summary>
    public static async Task<Session> StartAsync(ServerMode mode, int clients, string binary, CancellationToken ct)
    {
        var session = new Session(mode, BenchFolder.Create(mode), clients, binary);
        try
        {
            await session.StartServerAsync(ct);
            return session;
        }
        catch
        {
            await session.DisposeAsync();
            throw;
        }
    }

    /// <summary>Starts the server on the folder (as its config now reads) and opens fresh client connections.</summary>
    public async Task StartServerAsync(CancellationToken ct)
    {
        if (_server is not null) throw new InvalidOperationException("the server is already running");
        var (server, address) = await ServerProcess.StartAsync(_binary, Folder.Path, "start", StartDeadline, ct);
        _server = server;
        Address = address;
        _clients = [.. Enumerable.Range(0, _clientCount).Select(_ => new QueueClient(address, ServerMode.Queue))];
    }

    /// <summary>SIGTERM (graceful: snapshot mode writes its final snapshot), SIGKILL after <see cref="StopGrace"/>.</summary>
    public async Task<TimeSpan> StopServerAsync()
    {
        var server = DetachServer();
        var (elapsed, killed, code) = await server.StopAsync(StopGrace);
        if (killed) Warnings.Add($"{Mode.Name}: server {server.Pid} ignored SIGTERM for {StopGrace.TotalSeconds:0} s and was killed");
        else if (code != 0) Warnings.Add($"{Mode.Name}: server {server.Pid} exited with code {code} on SIGTERM");
        LastServerLog = server.LogTail();
        await server.DisposeAsync();
        return elapsed;
    }

    /// <summary>SIGKILL: a crash as far as the server can tell.</summary>
    public async Task KillServerAsync()
    {
        var server = DetachServer();
        await server.KillAsync();
        LastServerLog = server.LogTail();
        await server.DisposeAsync();
    }

    private ServerProcess DetachServer()
    {
        var server = Server;
        foreach (var client in _clients) client.Dispose();
        _clients = [];
        _server = null;
        return server;
    }

    public async ValueTask DisposeAsync()
    {
        if (_server is not null) await StopServerAsync();
        Folder.Dispose();
    }
}
