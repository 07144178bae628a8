using Spartan.Bench.Client;
using Spartan.Bench.Server;

namespace Spartan.Bench.Workloads;

/// <summary>A primary and its replica, each in its own fresh folder with the same storage mode. The replica starts first
/// on replication port 0 and the bench reads the port it bound from its log, then writes the primary's configuration:
/// no port is ever picked by the bench. Dispose stops both (SIGTERM, SIGKILL after the grace) and deletes the folders.</summary>
internal sealed class ReplicaPair : IAsyncDisposable
{
    public const string LagQueue = "lag";
    private readonly BenchFolder _primaryFolder;
    private readonly BenchFolder _replicaFolder;

    private ReplicaPair(ServerMode mode, BenchFolder primary, BenchFolder replica)
    {
        Mode = mode;
        _primaryFolder = primary;
        _replicaFolder = replica;
    }

    public ServerMode Mode { get; }
    public ServerProcess? Primary { get; private set; }
    public Uri PrimaryAddress { get; private set; } = new("http://127.0.0.1/");
    public ServerProcess? Replica { get; private set; }
    public Uri ReplicaAddress { get; private set; } = new("http://127.0.0.1/");
    public int ReplicaPort { get; private set; }
    public List<string> Warnings { get; } = [];

    public static async Task<ReplicaPair> StartAsync(ServerMode mode, CancellationToken ct)
    {
        var pair = new ReplicaPair(mode, BenchFolder.Create(mode), BenchFolder.Create(mode));
        try
        {
            pair._replicaFolder.WriteConfig(Toml(mode, """
                [replication]
                mode = "replica"
                [replication.replica]
                host = "127.0.0.1:0"
                """));
            (pair.Replica, pair.ReplicaAddress) =
                await ServerProcess.StartAsync(ServerProcess.Binary, pair._replicaFolder.Path, "replica", Session.StartDeadline, ct);
            pair.ReplicaPort = await pair.Replica.ReplicationPortAsync(TimeSpan.FromSeconds(30), ct);
            pair._primaryFolder.WriteConfig(Toml(mode, $"""
                [replication]
                mode = "primary"
                [replication.primary]
                destination = ["127.0.0.1:{pair.ReplicaPort}"]
                try_timer = 1
                """));
            (pair.Primary, pair.PrimaryAddress) =
                await ServerProcess.StartAsync(ServerProcess.Binary, pair._primaryFolder.Path, "start", Session.StartDeadline, ct);
            return pair;
        }
        catch
        {
            await pair.DisposeAsync();
            throw;
        }
    }

    /// <summary>Waits until the primary reports the replica connected.</summary>
    public async Task WaitConnectedAsync(HttpClient http, CancellationToken ct) =>
        await Metrics.WaitForAsync(http, PrimaryAddress, $"spartan_replication_connected{{replica=\"127.0.0.1:{ReplicaPort}\"}}", 1,
            TimeSpan.FromSeconds(60), ct);

    public List<QueueClient> PrimaryClients(int count) =>
        [.. Enumerable.Range(0, count).Select(_ => new QueueClient(PrimaryAddress, ServerMode.Queue))];

    /// <summary>The mode's configuration with the marker queue declared too, and <paramref name="replication"/> appended.</summary>
    private static string Toml(ServerMode mode, string replication)
    {
        var single = $"queues = [\"{ServerMode.Queue}\"]";
        var toml = mode.Toml();
        if (!toml.Contains(single, StringComparison.Ordinal)) throw new InvalidOperationException("the mode's configuration changed shape");
        return toml.Replace(single, $"queues = [\"{ServerMode.Queue}\", \"{LagQueue}\"]", StringComparison.Ordinal) + "\n" + replication + "\n";
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var (name, server) in new[] { ("primary", Primary), ("replica", Replica) })
        {
            if (server is null) continue;
            var (_, killed, code) = await server.StopAsync(Session.StopGrace);
            if (killed) Warnings.Add($"{Mode.Name} {name}: server {server.Pid} ignored SIGTERM and was killed");
            else if (code != 0) Warnings.Add($"{Mode.Name} {name}: server {server.Pid} exited with code {code} on SIGTERM");
            await server.DisposeAsync();
        }

        Primary = Replica = null;
        _primaryFolder.Dispose();
        _replicaFolder.Dispose();
    }
}
