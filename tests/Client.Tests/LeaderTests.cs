using System.Net;
using System.Text;
using Spartan.Client;

namespace Spartan.Client.Tests;

/// <summary>SPEC §13 from the client's side: with several nodes, a <c>503 Not primary</c> sends the call to the node its
/// <c>Spartan-Leader</c> names (and later calls straight there), a node that refuses connections passes the call to the
/// next, and the hops are bounded.</summary>
public sealed class LeaderTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private static readonly Uri A = new("http://node-a.test/");
    private static readonly Uri B = new("http://node-b.test/");
    private const string Id = "6f1c2a4e-0d7b-4f57-9a43-0f5de2a1c3b7";

    /// <summary>Answers as each node would; records which node each request went to.</summary>
    private sealed class Nodes(Func<string, HttpRequestMessage, HttpResponseMessage> answer) : HttpMessageHandler
    {
        public List<string> Hosts { get; } = [];

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var host = request.RequestUri!.Host;
            lock (Hosts) Hosts.Add(host);
            return Task.FromResult(answer(host, request));
        }
    }

    private static HttpResponseMessage Pushed() =>
        new(HttpStatusCode.OK) { Content = new StringContent($$"""{"id":"{{Id}}"}""", Encoding.UTF8, "application/json") };

    private static HttpResponseMessage NotPrimary(Uri? leader)
    {
        var answer = new HttpResponseMessage(HttpStatusCode.ServiceUnavailable)
        {
            Content = new StringContent("""{"type":"about:blank","title":"Not primary","status":503}""", Encoding.UTF8, "application/problem+json"),
        };
        if (leader is not null) answer.Headers.Add("Spartan-Leader", leader.AbsoluteUri.TrimEnd('/'));
        return answer;
    }

    private static SpartanClient Over(Nodes nodes, Action<SpartanClientOptions>? configure = null)
    {
        var options = new SpartanClientOptions { Batching = false, RetryDelay = TimeSpan.Zero };
        options.Nodes.Add(A);
        options.Nodes.Add(B);
        configure?.Invoke(options);
        return new SpartanClient(new HttpClient(nodes), options);
    }

    [Fact]
    public async Task A_write_to_a_replica_follows_Spartan_Leader_and_later_calls_go_straight_to_the_primary()
    {
        var nodes = new Nodes((host, _) => host == B.Host ? Pushed() : NotPrimary(B));
        await using var client = Over(nodes);

        Assert.Equal(Guid.Parse(Id), await client.PushAsync("q", "first", Ct));
        Assert.Equal(Guid.Parse(Id), await client.PushAsync("q", "second", Ct));

        Assert.Equal([A.Host, B.Host, B.Host], nodes.Hosts);
    }

    [Fact]
    public async Task A_node_that_refuses_the_connection_passes_the_call_to_the_next()
    {
        var nodes = new Nodes((host, _) => host == A.Host
            ? throw new HttpRequestException(HttpRequestError.ConnectionError, "Connection refused")
            : Pushed());
        await using var client = Over(nodes);

        Assert.Equal(Guid.Parse(Id), await client.PushAsync("q", "body", Ct));
        Assert.Equal([A.Host, B.Host], nodes.Hosts);
    }

    [Fact]
    public async Task Without_a_named_leader_the_call_moves_on_and_fails_503_after_the_last_hop()
    {
        var nodes = new Nodes((_, _) => NotPrimary(null));
        await using var client = Over(nodes, o => o.MaxLeaderHops = 3);

        var error = await Assert.ThrowsAsync<ServiceUnavailableException>(() => client.PushAsync("q", "body", Ct));

        Assert.Equal("Not primary", error.Title);
        Assert.Equal([A.Host, B.Host, A.Host, B.Host], nodes.Hosts);
    }

    [Fact]
    public async Task With_leader_following_off_the_503_reaches_the_caller()
    {
        var nodes = new Nodes((host, _) => host == B.Host ? Pushed() : NotPrimary(B));
        await using var client = Over(nodes, o => o.FollowLeader = false);

        await Assert.ThrowsAsync<ServiceUnavailableException>(() => client.PushAsync("q", "body", Ct));
        Assert.Equal([A.Host], nodes.Hosts);
    }

    [Fact]
    public async Task A_failure_that_may_have_reached_the_node_is_not_sent_elsewhere()
    {
        var nodes = new Nodes((host, _) => host == A.Host ? throw new HttpRequestException(HttpRequestError.ResponseEnded, "reset") : Pushed());
        await using var client = Over(nodes);

        await Assert.ThrowsAsync<HttpRequestException>(() => client.PushAsync("q", "body", Ct));
        Assert.Equal([A.Host], nodes.Hosts);
    }
}
