using System.Net.Http.Json;
using System.Text.Json;

namespace Spartan.EndToEnd.Tests.Cluster;

/// <summary>A real etcd and N real <c>spartan start</c> processes forming one SPEC §13 cluster on loopback (ttl 3 s), each
/// node on HTTP and replication ports reserved for the test's life, so a restarted node comes back at the same address.
/// Every process and etcd are stopped on dispose.</summary>
internal sealed class EtcdCluster : IAsyncDisposable
{
    public const int TtlSeconds = 3;
    public static readonly TimeSpan Ttl = TimeSpan.FromSeconds(TtlSeconds);

    /// <summary>SPEC §13: writes are acknowledged again within ttl + 5 s of the primary's death.</summary>
    public static readonly TimeSpan FailoverBound = Ttl + TimeSpan.FromSeconds(5);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private EtcdCluster(EtcdServer etcd, List<Member> members)
    {
        Etcd = etcd;
        Members = members;
    }

    public EtcdServer Etcd { get; }
    public IReadOnlyList<Member> Members { get; }

    public static async Task<EtcdCluster> StartAsync(int nodes = 3, string ack = "replica", string persistence = "log")
    {
        var etcd = await EtcdServer.StartAsync(cancellationToken: Ct);
        var members = new List<Member>();
        for (var i = 1; i <= nodes; i++) members.Add(new Member($"n{i}", etcd.ClientUrl, ack, persistence));
        var cluster = new EtcdCluster(etcd, members);
        try
        {
            foreach (var member in members) await member.StartAsync();
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    public Member Named(string node) => Members.Single(m => m.Node.Name == node);

    /// <summary>Waits until a running node leads with an epoch above <paramref name="after"/> and says so itself (its
    /// <c>/_/health</c> role is primary); returns it and the epoch.</summary>
    public async Task<(Member Leader, long Epoch)> LeaderAsync(TimeSpan deadline, long after = 0)
    {
        (Member, long)? found = null;
        var last = "";
        await ReplicationHelpers.WaitUntilAsync(async () =>
        {
            foreach (var member in Members.Where(m => m.Running))
            {
                var view = await member.ClusterAsync();
                last = view?.GetRawText() ?? $"{member.Node.Name}: no answer";
                if (view is not { } v || v.GetProperty("leader").GetString() is not { } name) continue;
                var epoch = v.GetProperty("epoch").GetInt64();
                var leader = Named(name);
                if (epoch <= after || !leader.Running || await leader.RoleAsync() != "primary") continue;
                found = (leader, epoch);
                return true;
            }

            return false;
        }, deadline, () => $"no node leads with an epoch above {after}; last view: {last}\n{Logs()}");
        return found!.Value;
    }

    public string Logs() => string.Join("\n", Members.Select(m => $"--- {m.Node.Name}:\n{m.Node.Logs}")) + $"\n--- etcd:\n{Etcd.Log}";

    public async ValueTask DisposeAsync()
    {
        foreach (var member in Members) await member.DisposeAsync();
        await Etcd.DisposeAsync();
    }

    /// <summary>One node: its folder and configuration, its reserved ports, the process now running on them.</summary>
    internal sealed class Member : IAsyncDisposable
    {
        private readonly ReservedPort _http = new();
        private readonly ReservedPort _replication = new();

        public Member(string name, string etcd, string ack, string persistence)
        {
            Node = new ReplicationNode(name);
            Node.WriteConfig($"""
                queues = ["q"]
                [queue_settings.q]
                max_tries = 5
                timeout = 600
                {ReplicationHelpers.Persistence(persistence)}
                [cluster]
                name = "e2e"
                node = "{name}"
                etcd = ["{etcd}"]
                ttl = {TtlSeconds}
                advertise_http = "127.0.0.1:{_http.Port}"
                advertise_replication = "127.0.0.1:{_replication.Port}"
                ack = "{ack}"
                """);
        }

        public ReplicationNode Node { get; }
        public bool Running { get; private set; }
        public Uri Address => new($"http://127.0.0.1:{_http.Port}/");

        public async Task StartAsync()
        {
            await Node.StartAsync("start", $"127.0.0.1:{_http.Port}");
            Running = true;
        }

        public async Task KillAsync()
        {
            Running = false;
            await Node.KillAsync();
        }

        public async Task StopAsync()
        {
            Running = false;
            await Node.StopAsync();
        }

        /// <summary>This node's <c>GET /_/cluster</c>, or null while it cannot answer one.</summary>
        public async Task<JsonElement?> ClusterAsync()
        {
            try
            {
                using var bound = CancellationTokenSource.CreateLinkedTokenSource(Ct);
                bound.CancelAfter(TimeSpan.FromSeconds(2));
                using var answer = await Node.Http.GetAsync("/_/cluster", bound.Token);
                if (!answer.IsSuccessStatusCode) return null;
                return await answer.Content.ReadFromJsonAsync<JsonElement>(bound.Token);
            }
            catch (Exception error) when (error is HttpRequestException or OperationCanceledException && !Ct.IsCancellationRequested)
            {
                return null;
            }
        }

        /// <summary>The role this node's <c>/_/health</c> gives now.</summary>
        public async Task<string?> RoleAsync()
        {
            try
            {
                using var bound = CancellationTokenSource.CreateLinkedTokenSource(Ct);
                bound.CancelAfter(TimeSpan.FromSeconds(2));
                var health = await Node.Http.GetFromJsonAsync<JsonElement>("/_/health", bound.Token);
                return health.GetProperty("role").GetString();
            }
            catch (Exception error) when (error is HttpRequestException or OperationCanceledException && !Ct.IsCancellationRequested)
            {
                return null;
            }
        }

        public async ValueTask DisposeAsync()
        {
            await Node.DisposeAsync();
            _http.Dispose();
            _replication.Dispose();
        }
    }
}
