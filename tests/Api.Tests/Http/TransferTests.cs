using System.Text;
using Microsoft.Extensions.Logging;
using Spartan.Tests.Shared;

namespace Spartan.Api.Tests.Http;

/// <summary>SPEC §9 on real Kestrel, in hand-written HTTP/1.1: nothing is read before auth, a malformed transfer is
/// 400 and never 500 (and leaves no failure in the log), and an empty body is 400 after auth, never 415.</summary>
public sealed class TransferTests : IAsyncLifetime
{
    private const string Toml = """
        queues = ["q", "elsewhere"]
        body_size = 64
        [[access_keys]]
        key = "root"
        queues = ["*"]
        [[access_keys]]
        key = "other"
        queues = ["elsewhere"]
        """;

    private const string Key = "\r\nAuthorization: Bearer root";

    /// <summary>The batch limit for body_size 64: 100 × (6 × 64 + 64 KiB).</summary>
    private const long BatchLimit = 100 * (6 * 64 + 64 * 1024);

    private readonly CapturedLogs _logs = new();
    private TestNode _node = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _node = await TestNode.StartAsync(Toml, realHttp: true, logs: _logs);

    public async ValueTask DisposeAsync() => await _node.DisposeAsync();

    private Task<RawResponse> SendAsync(string head, string? body = null) =>
        RawHttp.SendAsync(_node.Address, head, body is null ? null : RawHttp.Utf8(body), Ct);

    private void AssertNoWarningOrFailureLogged() =>
        Assert.True(_logs.Entries.All(e => e.Level < LogLevel.Warning && e.Exception is null),
            string.Join('\n', _logs.Entries.Where(e => e.Level >= LogLevel.Warning || e.Exception is not null)));

    [Theory]
    [InlineData("80000000")] // 2^31: overflows Kestrel's chunk size (the reported 500)
    [InlineData("ffffffffffffffff")]
    [InlineData("zz")]
    [InlineData("-1")]
    public async Task A_bad_chunk_size_is_400_invalid_request_and_logs_no_failure(string size)
    {
        var chunked = $"POST /q HTTP/1.1\r\nHost: t{Key}\r\nTransfer-Encoding: chunked\r\n";
        ProblemAssert.Is(await SendAsync(chunked, size + "\r\n{\"body\":\"x\"}\r\n0\r\n\r\n"), 400, "Invalid request", "transfer");

        // Without a key the body is never read, so the same transfer is the auth error.
        var anonymous = "POST /q HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n";
        ProblemAssert.Is(await SendAsync(anonymous, size + "\r\nabc"), 400, "Authorization header not found");
        AssertNoWarningOrFailureLogged();
    }

    [Fact]
    public async Task A_chunk_longer_than_its_size_is_400_invalid_request()
    {
        var response = await SendAsync($"POST /q HTTP/1.1\r\nHost: t{Key}\r\nTransfer-Encoding: chunked\r\n", "5\r\n{\"body\":\"x\"}\r\n0\r\n\r\n");
        ProblemAssert.Is(response, 400, "Invalid request");
        Assert.Equal("close", response.Header("Connection"));
        AssertNoWarningOrFailureLogged();
    }

    [Fact]
    public async Task A_body_longer_than_its_content_length_is_judged_on_the_declared_bytes()
    {
        // The first 5 bytes are the body ('{"bod', malformed); the rest is not part of this request.
        ProblemAssert.Is(await SendAsync($"POST /q HTTP/1.1\r\nHost: t{Key}\r\nContent-Length: 5\r\n", "{\"body\":\"x\"}"),
            400, "Invalid request");
        AssertNoWarningOrFailureLogged();
    }

    [Fact]
    public async Task A_body_cut_short_by_a_client_that_leaves_costs_nothing_and_logs_nothing()
    {
        await using (var connection = await RawConnection.OpenAsync(_node.Address, Ct))
        {
            // 100-continue makes the server say when it starts reading, so the cut comes mid-body.
            Assert.True(await connection.WriteAsync(RawHttp.Utf8(
                $"POST /q/batch HTTP/1.1\r\nHost: t{Key}\r\nContent-Length: 1000\r\nExpect: 100-continue\r\n\r\n"), Ct));
            Assert.Equal(100, (await connection.ReadResponseAsync(Ct))!.Status);
            Assert.True(await connection.WriteAsync(RawHttp.Utf8("{\"messages\":[{\"body\":"), Ct));
        }

        Assert.Equal(200, (await SendAsync($"GET /q/size HTTP/1.1\r\nHost: t{Key}\r\nConnection: close\r\n")).Status);
        AssertNoWarningOrFailureLogged();
    }

    [Theory]
    [InlineData("POST /q", "", 400, "Authorization header not found")]
    [InlineData("POST /nope", "", 400, "Authorization header not found")]
    [InlineData("POST /q", "\r\nAuthorization: Bearer other", 401, "Access denied")]
    [InlineData("POST /nope", Key, 404, "Queue not found")]
    [InlineData("POST /q", Key, 400, "Invalid request")]
    [InlineData("POST /q/batch", Key, 400, "Invalid request")]
    [InlineData("DELETE /q", Key, 400, "Invalid request")]
    [InlineData("DELETE /q/batch", Key, 400, "Invalid request")]
    [InlineData("POST /q/requeue", Key, 400, "Invalid request")]
    [InlineData("POST /q/touch", Key, 400, "Invalid request")]
    public async Task An_empty_body_is_400_after_auth_and_queue_checks_and_never_415(string line, string auth, int status, string title)
    {
        // As curl -XPOST sends it: no body, no Content-Length, no Content-Type.
        var response = await SendAsync($"{line} HTTP/1.1\r\nHost: t{auth}\r\n");
        ProblemAssert.Is(response, status, title, status == 400 && auth == Key ? "A JSON request body is required." : null);

        foreach (var headers in new[] { "\r\nContent-Length: 0", "\r\nContent-Type: text/plain\r\nContent-Length: 0",
                     "\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked" })
        {
            var body = headers.Contains("chunked", StringComparison.Ordinal) ? "0\r\n\r\n" : "";
            ProblemAssert.Is(await SendAsync($"{line} HTTP/1.1\r\nHost: t{auth}{headers}\r\n", body), status, title);
        }
    }

    [Theory]
    [InlineData("text/plain")]
    [InlineData("application/x-www-form-urlencoded")]
    [InlineData("application/xml")]
    [InlineData(";;;")]
    public async Task A_body_is_read_as_json_whatever_its_content_type(string type)
    {
        const string push = """{"body":"x"}""";
        var response = await SendAsync($"POST /q HTTP/1.1\r\nHost: t{Key}\r\nContent-Type: {type}\r\nContent-Length: {push.Length}\r\n", push);
        Assert.Equal(200, response.Status);
    }

    [Theory]
    [InlineData("", 400, "Authorization header not found")]
    [InlineData("\r\nAuthorization: Bearer nobody", 401, "Access denied")]
    [InlineData("\r\nAuthorization: Bearer other", 401, "Access denied")]
    [InlineData("\r\nAuthorization: Basic cm9vdA==", 400, "Incorrect key header")]
    public async Task An_unauthorised_upload_is_refused_from_its_headers_before_any_body_byte(string auth, int status, string title)
    {
        // Only the head is sent: an answer proves that nothing waited for the body.
        var response = await SendWithinAsync($"POST /q/batch HTTP/1.1\r\nHost: t{auth}\r\nContent-Length: {BatchLimit}\r\n");
        ProblemAssert.Is(response, status, title);
        Assert.Equal("close", response.Header("Connection"));
    }

    [Fact]
    public async Task An_undeclared_queue_and_a_length_over_the_limit_are_answered_from_the_headers()
    {
        ProblemAssert.Is(await SendWithinAsync($"POST /nope HTTP/1.1\r\nHost: t{Key}\r\nContent-Length: {BatchLimit}\r\n"),
            404, "Queue not found");
        ProblemAssert.Is(await SendWithinAsync($"POST /q/batch HTTP/1.1\r\nHost: t{Key}\r\nContent-Length: {BatchLimit + 1}\r\n"),
            413, "Message too large");
        ProblemAssert.Is(await SendWithinAsync($"POST /q HTTP/1.1\r\nHost: t{Key}\r\nContent-Length: {BatchLimit / 100 + 1}\r\n"),
            413, "Message too large");
    }

    [Fact]
    public async Task A_chunked_body_over_the_route_limit_is_413()
    {
        var chunk = new string(' ', 60 * 1024);
        var body = new StringBuilder("1\r\n{\r\n");
        for (var sent = 0L; sent <= BatchLimit / 100; sent += chunk.Length) body.Append($"{chunk.Length:x}\r\n{chunk}\r\n");
        body.Append("0\r\n\r\n");
        ProblemAssert.Is(await SendAsync($"POST /q HTTP/1.1\r\nHost: t{Key}\r\nTransfer-Encoding: chunked\r\n", body.ToString()),
            413, "Message too large");
        AssertNoWarningOrFailureLogged();
    }

    /// <summary>Sends a head alone and waits a bounded time for the answer; a server that waited for the body would
    /// fail the test here instead of hanging it.</summary>
    private async Task<RawResponse> SendWithinAsync(string head)
    {
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        bounded.CancelAfter(TimeSpan.FromSeconds(15));
        return await RawHttp.SendAsync(_node.Address, head, null, bounded.Token);
    }
}
