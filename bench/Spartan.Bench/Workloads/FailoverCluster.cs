using System.Net.Http.Json;
using System.Text.Json;
using Spartan.Bench.Server;
using Spartan.Tests.Shared;

namespace Spartan.Bench.Workloads;

/// <summary>A real etcd and three <c>spartan start</c> nodes in one cluster (log mode, fsync always), each on HTTP and
/// replication ports reserved for the run, so a killed node restarts at the same address. Dispose stops everything.</summary>
internal sealed class FailoverCluster : IAsyncDisposable
{
    private readonly List<Node> _nodes = [];

    private FailoverCluster(EtcdServer etcd) => Etcd = etcd;

    public EtcdServer Etcd { get; }
    public IReadOnlyList<Node> Nodes => _nodes;

    public static async Task<FailoverCluster> StartAsync(int ttl, string ack, CancellationToken ct)
    {
        var cluster = new FailoverCluster(await EtcdServer.StartAsync(cancellationToken: ct));
        try
        {
            for (var i = 1; i <= 3; i++)
            {
                var node = new Node($"n{i}", BenchFolder.Create(ServerMode.LogAlways));
                node.Folder.WriteConfig($"""
                    {ServerMode.LogAlways.Toml()}
                    [cluster]
                    name = "bench"
                    node = "{node.Name}"
                    etcd = ["{cluster.Etcd.ClientUrl}"]
                    ttl = {ttl}
                    advertise_http = "127.0.0.1:{node.HttpPort.Port}"
                    advertise_replication = "127.0.0.1:{node.ReplicationPort.Port}"
                    ack = "{ack}"
                    """);
                cluster._nodes.Add(node);
                await node.StartAsync(ct);
            }

            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    /// <summary>The node that leads with an epoch above <paramref name="after"/>, as the live nodes say; null if none yet.</summary>
    public async Task<(Node Leader, long Epoch)?> LeaderAsync(HttpClient http, long after, CancellationToken ct)
    {
        foreach (var node in _nodes.Where(n => n.Server is not null))
        {
            try
            {
                var view = await http.GetFromJsonAsync<JsonElement>(new Uri(node.Address, "_/cluster"), ct);
                if (view.GetProperty("leader").GetString() is not { } name) continue;
                var epoch = view.GetProperty("epoch").GetInt64();
                var leader = _nodes.Single(n => n.Name == name);
                if (epoch > after && leader.Server is not null) return (leader, epoch);
            }
            catch (Exception error) when (error is HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
            {
                // this one cannot say now
            }
        }

        return null;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var node in _nodes) await node.DisposeAsync();
        await Etcd.DisposeAsync();
    }

    /// <summary>One node of the cluster.</summary>
    internal sealed class Node(string name, BenchFolder folder) : IAsyncDisposable
    {
        public string Name { get; } = name;
        public BenchFolder Folder { get; } = folder;
        public ReservedPort HttpPort { get; } = new();
        public ReservedPort ReplicationPort { get; } = new();
        public ServerProcess? Server { get; private set; }
        public Uri Address => new($"http://127.0.0.1:{HttpPort.Port}/");

        public async Task StartAsync(CancellationToken ct) =>
            (Server, _) = await ServerProcess.StartAsync(ServerProcess.Binary, Folder.Path, "start", Session.StartDeadline, ct,
                $"127.0.0.1:{HttpPort.Port}");

        public async Task KillAsync()
        {
            if (Server is null) return;
            await Server.KillAsync();
            await Server.DisposeAsync();
            Server = null;
        }

        public async ValueTask DisposeAsync()
        {
            if (Server is not null)
            {
                await Server.StopAsync(TimeSpan.FromSeconds(10));
                await Server.DisposeAsync();
            }

            Folder.Dispose();
            HttpPort.Dispose();
            ReplicationPort.Dispose();
        }
    }
}
