using System.Net.Http.Json;
using System.Net.Security;
using System.Net.Sockets;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using System.Text;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Spartan.Tests.Shared;
using Xunit;

namespace Spartan.Api.Tests.Tls;

/// <summary>SPEC §12: with <c>[tls]</c> the HTTP listener speaks HTTPS only, with <c>client_ca</c> it requires client
/// certificates of that CA, and a certificate replaced on disk is served to new connections without a restart.</summary>
public sealed class HttpsTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("spartan-https-").FullName;
    private readonly TestCa _ca = TestCa.Create("Spartan Test CA");
    private readonly TestCa _otherCa = TestCa.Create("Someone Else's CA");

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose()
    {
        _ca.Dispose();
        _otherCa.Dispose();
        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public async Task An_https_round_trip_pushes_and_pops()
    {
        await using var node = await StartAsync(clientCa: false);
        using var http = Client(node, out _);

        var pushed = await http.PostAsync("/default", new StringContent("""{"body":"over TLS"}"""), Ct);
        Assert.Equal(HttpStatusCode.OK, pushed.StatusCode);
        var popped = await http.GetFromJsonAsync<JsonElement>("/default", Ct);

        Assert.Equal("over TLS", popped.GetProperty("body").GetString());
        Assert.Equal("https", http.BaseAddress!.Scheme);
    }

    [Fact]
    public async Task Plaintext_http_gets_no_answer()
    {
        await using var node = await StartAsync(clientCa: false);
        var port = Address(node).Port;

        using var socket = new TcpClient();
        await socket.ConnectAsync(IPAddress.Loopback, port, Ct);
        var stream = socket.GetStream();
        await stream.WriteAsync("GET /_/health HTTP/1.1\r\nHost: localhost\r\n\r\n"u8.ToArray(), Ct);
        var answer = await ReadToEndAsync(stream);

        Assert.DoesNotContain("HTTP/1.1 200", answer, StringComparison.Ordinal);
        Assert.DoesNotContain("\"status\"", answer, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Tls_1_2_and_1_3_are_both_served()
    {
        await using var node = await StartAsync(clientCa: false);

        // TLS 1.2 and 1.3 are offered; asking for 1.3 alone must work, proving the listener is not pinned to one.
        Assert.Equal(System.Security.Authentication.SslProtocols.Tls13,
            await HandshakeAsync(node, System.Security.Authentication.SslProtocols.Tls13));
        Assert.Equal(System.Security.Authentication.SslProtocols.Tls12,
            await HandshakeAsync(node, System.Security.Authentication.SslProtocols.Tls12));
    }

    [Fact]
    public async Task With_client_ca_a_client_certificate_of_that_ca_is_required()
    {
        await using var node = await StartAsync(clientCa: true);

        using (var anonymous = Client(node, out _))
            await Assert.ThrowsAnyAsync<HttpRequestException>(() => anonymous.GetAsync("/_/health", Ct));

        using (var stranger = Client(node, out _, _otherCa.Issue("stranger")))
            await Assert.ThrowsAnyAsync<HttpRequestException>(() => stranger.GetAsync("/_/health", Ct));

        using var member = Client(node, out _, _ca.Issue("client-1"));
        Assert.Equal(HttpStatusCode.OK, (await member.GetAsync("/_/health", Ct)).StatusCode);
    }

    [Fact]
    public async Task A_certificate_replaced_on_disk_is_served_to_new_connections()
    {
        await using var node = await StartAsync(clientCa: false);
        using (var before = Client(node, out var seenBefore))
        {
            Assert.Equal(HttpStatusCode.OK, (await before.GetAsync("/_/health", Ct)).StatusCode);
            Assert.Equal(node.Services.GetRequiredService<Spartan.Api.Hosting.HttpTls>().Certificate.Thumbprint, seenBefore());
        }

        var renewed = _ca.Issue("localhost renewed");
        var (cert, key) = TestCa.WritePem(renewed, _folder, "server");
        foreach (var path in new[] { cert, key }) File.SetLastWriteTimeUtc(path, DateTime.UtcNow.AddSeconds(5));

        using var after = Client(node, out var seenAfter);
        Assert.Equal(HttpStatusCode.OK, (await after.GetAsync("/_/health", Ct)).StatusCode);
        Assert.Equal(renewed.Thumbprint, seenAfter());
    }

    private async Task<TestNode> StartAsync(bool clientCa)
    {
        var (cert, key, _) = _ca.WritePair(_folder, "server", "localhost");
        var ca = _ca.WriteCa(_folder);
        var toml = TestNode.DefaultToml + $"""

            [tls]
            cert = "{cert}"
            key = "{key}"
            {(clientCa ? $"client_ca = \"{ca}\"" : "")}
            """;
        return await TestNode.StartAsync(toml, realHttp: true);
    }

    private static Uri Address(TestNode node) =>
        new(node.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First());

    /// <summary>A client on a new connection pool that trusts only the test CA and remembers the server's certificate.</summary>
    private HttpClient Client(TestNode node, out Func<string?> thumbprint, X509Certificate2? clientCertificate = null)
    {
        string? seen = null;
        thumbprint = () => seen;
        var handler = new SocketsHttpHandler
        {
            SslOptions = new SslClientAuthenticationOptions
            {
                RemoteCertificateValidationCallback = (_, certificate, _, _) =>
                {
                    seen = (certificate as X509Certificate2)?.Thumbprint;
                    return certificate is X509Certificate2 c && Chains(c);
                },
                ClientCertificates = clientCertificate is null ? null : [clientCertificate],
            },
        };
        return new HttpClient(handler) { BaseAddress = Address(node) };
    }

    private bool Chains(X509Certificate2 certificate)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(_ca.Certificate);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return chain.Build(certificate);
    }

    private static async Task<System.Security.Authentication.SslProtocols> HandshakeAsync(TestNode node,
        System.Security.Authentication.SslProtocols protocols)
    {
        using var socket = new TcpClient();
        await socket.ConnectAsync(IPAddress.Loopback, Address(node).Port, Ct);
        // Only the protocol version matters here; the certificate is checked by the other tests.
        await using var tls = new SslStream(socket.GetStream(), false, (_, certificate, _, _) => certificate is not null);
        await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
        {
            TargetHost = "localhost",
            EnabledSslProtocols = protocols,
        }, Ct);
        return tls.SslProtocol;
    }

    private static async Task<string> ReadToEndAsync(NetworkStream stream)
    {
        var text = new StringBuilder();
        var buffer = new byte[4096];
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        deadline.CancelAfter(TimeSpan.FromSeconds(20));
        try
        {
            int read;
            while ((read = await stream.ReadAsync(buffer, deadline.Token)) > 0) text.Append(Encoding.ASCII.GetString(buffer, 0, read));
        }
        catch (IOException)
        {
            // A reset is an answer too: the listener would not speak plaintext.
        }

        return text.ToString();
    }
}
