using System.Net.Http.Json;
using System.Net.Security;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Spartan.Tests.Shared;

namespace Spartan.EndToEnd.Tests;

/// <summary>SPEC §12 and §5 on the real binary: a missing TLS file stops the start with one line naming it (exit 1),
/// and SIGHUP re-reads the certificate files even when they look unchanged.</summary>
public sealed class TlsStartTests
{
    private const int SigHup = 1;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("cert")]
    [InlineData("key")]
    [InlineData("client_ca")]
    public async Task A_missing_tls_file_exits_1_with_one_line_naming_it(string missing)
    {
        using var folder = new TempFolder();
        using var ca = TestCa.Create("Spartan Test CA");
        var (cert, key, _) = ca.WritePair(folder.Path, "server", "localhost");
        var caFile = ca.WriteCa(folder.Path);
        var gone = missing switch { "cert" => cert, "key" => key, _ => caFile };
        File.Delete(gone);
        File.WriteAllText(folder.File("Spartan.toml"), $"""
            queues = ["q"]
            [tls]
            cert = "server.pem"
            key = "server-key.pem"
            client_ca = "ca.pem"
            """);

        var (code, run) = await SpartanProcess.RunAsync(folder.Path, "start", "--host", "127.0.0.1:0");

        Assert.Equal(1, code);
        Assert.Contains($"{gone}: not found", run.Stderr, StringComparison.Ordinal);
        StartupAssert.NoStackTrace(run.Stderr);
    }

    [Fact]
    public async Task Sighup_rereads_certificate_files_that_look_unchanged()
    {
        using var folder = new TempFolder();
        using var ca = TestCa.Create("Spartan Test CA");
        var (cert, key, first) = ca.WritePair(folder.Path, "server", "localhost");
        File.WriteAllText(folder.File("Spartan.toml"), """
            queues = ["q"]
            [tls]
            cert = "server.pem"
            key = "server-key.pem"
            """);
        await using var server = SpartanProcess.Start(folder.Path, "start", "--host", "127.0.0.1:0");
        var address = await server.ListeningAsync();
        Assert.Equal("https", address.Scheme);
        Assert.Equal(first.Thumbprint, await ServedThumbprintAsync(address, ca));

        // A renewal written with the old files' size and modification time: only SIGHUP can notice it.
        var renewed = ca.Issue("localhost");
        var stamps = new[] { cert, key }.Select(p => (p, File.GetLastWriteTimeUtc(p), new FileInfo(p).Length)).ToArray();
        TestCa.WritePem(renewed, folder.Path, "server");
        foreach (var (path, time, length) in stamps)
        {
            var text = File.ReadAllText(path);
            Assert.True(text.Length <= length, "the renewal must not be longer than the original to pad it");
            File.WriteAllText(path, text + new string('\n', (int)length - text.Length));
            File.SetLastWriteTimeUtc(path, time);
        }

        Assert.Equal(first.Thumbprint, await ServedThumbprintAsync(address, ca));
        server.Signal(SigHup);
        await Until(async () => await ServedThumbprintAsync(address, ca) == renewed.Thumbprint, () => server.Stderr);
        // The reload is logged once it is done, a moment after new connections already get the renewed certificate.
        await Until(() => Task.FromResult(server.Stderr.Contains("SIGHUP: reloaded", StringComparison.Ordinal)), () => server.Stderr);
    }

    private static async Task<string?> ServedThumbprintAsync(Uri address, TestCa ca)
    {
        string? seen = null;
        using var http = new HttpClient(new SocketsHttpHandler
        {
            SslOptions = new SslClientAuthenticationOptions
            {
                RemoteCertificateValidationCallback = (_, certificate, _, _) =>
                {
                    seen = (certificate as X509Certificate2)?.Thumbprint;
                    using var chain = new X509Chain();
                    chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                    chain.ChainPolicy.CustomTrustStore.Add(ca.Certificate);
                    chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                    return certificate is X509Certificate2 c && chain.Build(c);
                },
            },
        }) { BaseAddress = address };
        var health = await http.GetFromJsonAsync<JsonElement>("/_/health", Ct);
        Assert.Equal("ok", health.GetProperty("status").GetString());
        return seen;
    }

    private static async Task Until(Func<Task<bool>> condition, Func<string> log)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"not reached within 15 s: {log()}");
            await Task.Delay(50, Ct);
        }
    }
}
