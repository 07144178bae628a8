using Spartan.Tests.Shared;

namespace Spartan.Api.Tests.Http;

/// <summary>SPEC §3.4's order on a replica: auth and queue come before the read-only refusal, which comes before
/// size, and all of them are answered from the headers.</summary>
public sealed class ReplicaGateTests : IAsyncLifetime
{
    private const string Toml = """
        queues = ["q"]
        body_size = 64
        [[access_keys]]
        key = "root"
        queues = ["*"]
        [replication]
        mode = "replica"
        [replication.replica]
        host = "127.0.0.1:1"
        """;

    private const string Key = "\r\nAuthorization: Bearer root";
    private const long OverLimit = 6 * 64 + 64 * 1024 + 1;

    private TestNode _node = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _node = await TestNode.StartAsync(Toml, realHttp: true);

    public async ValueTask DisposeAsync() => await _node.DisposeAsync();

    private Task<RawResponse> SendAsync(string head) => RawHttp.SendAsync(_node.Address, head, null, Ct);

    [Fact]
    public async Task A_write_is_503_after_auth_and_queue_and_before_size()
    {
        ProblemAssert.Is(await SendAsync($"POST /q HTTP/1.1\r\nHost: t\r\nContent-Length: {OverLimit}\r\n"), 400, "Authorization header not found");
        ProblemAssert.Is(await SendAsync($"POST /nope HTTP/1.1\r\nHost: t{Key}\r\nContent-Length: {OverLimit}\r\n"), 404, "Queue not found");
        ProblemAssert.Is(await SendAsync($"POST /q HTTP/1.1\r\nHost: t{Key}\r\nContent-Length: {OverLimit}\r\n"), 503, "Read-only replica");
        ProblemAssert.Is(await SendAsync($"POST /q HTTP/1.1\r\nHost: t{Key}\r\n"), 503, "Read-only replica");
        ProblemAssert.Is(await SendAsync($"GET /q HTTP/1.1\r\nHost: t{Key}\r\n"), 503, "Read-only replica");
    }

    [Fact]
    public async Task Reads_are_served()
    {
        Assert.Equal("""{"size":0}""", (await SendAsync($"GET /q/size HTTP/1.1\r\nHost: t{Key}\r\n")).Text);
    }
}
