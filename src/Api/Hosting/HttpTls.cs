using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Spartan.Api.Configuration;
using Spartan.Replication.Tls;

namespace Spartan.Api.Hosting;

/// <summary>HTTPS for the HTTP listener (SPEC §12): with <c>[tls]</c> the listener speaks TLS 1.2/1.3 only, serves the
/// certificate files as they are now on disk, and with <c>client_ca</c> requires client certificates of that CA.</summary>
/// <remarks>Kestrel asks for the options at every new connection (on its I/O threads), so a renewed certificate is
/// served to the next connection without a restart; connections already open keep theirs. Loading fails fast at
/// start (<see cref="TlsFileException"/> naming the file); a renewal that does not load later is logged and the
/// previous certificate stays in service. A refused client certificate is logged at Debug only: the peer is not
/// authenticated, so it must not be able to fill the log.</remarks>
public sealed partial class HttpTls
{
    private static readonly TimeSpan HandshakeTimeout = TimeSpan.FromSeconds(10);
    private readonly CertificateFiles _certificate;
    private readonly TrustedCa? _clientCa;
    private ILogger _logger = Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;

    /// <summary>Loads the files now; throws <see cref="TlsFileException"/> when one is missing or unusable.</summary>
    public HttpTls(TlsConfig config)
    {
        _certificate = new CertificateFiles(config.Cert, config.Key);
        _clientCa = config.ClientCa is { } ca ? new TrustedCa(ca) : null;
        _certificate.Reloaded += certificate => LogReloaded(_logger, certificate.Subject, certificate.NotAfter, config.Cert);
        _certificate.Failed += error => LogReloadFailed(_logger, error.Message);
    }

    /// <summary>The certificate new connections get.</summary>
    public X509Certificate2 Certificate => _certificate.Certificate;

    /// <summary>Where reloads are reported, once the host's logging exists.</summary>
    public void LogTo(ILogger logger) => _logger = logger;

    /// <summary>Re-reads the certificate files now (SIGHUP), even if they look unchanged.</summary>
    public void Reload() => _certificate.Reload();

    /// <summary>Makes <paramref name="listen"/> HTTPS-only with these files.</summary>
    public void Apply(ListenOptions listen) => listen.UseHttps(new TlsHandshakeCallbackOptions
    {
        HandshakeTimeout = HandshakeTimeout,
        OnConnection = _ => ValueTask.FromResult(Options()),
    });

    private SslServerAuthenticationOptions Options() => new()
    {
        ServerCertificateContext = _certificate.Context,
        EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
        ClientCertificateRequired = _clientCa is not null,
        RemoteCertificateValidationCallback = _clientCa is null ? null : ValidateClient,
    };

    private bool ValidateClient(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        if (_clientCa!.Problem(certificate, chain, errors) is not { } problem) return true;
        LogClientRefused(_logger, problem);
        return false;
    }

    [LoggerMessage(EventId = 74, Level = LogLevel.Information, Message = "Serving the TLS certificate {Subject} (valid until {NotAfter:u}) read anew from {Path}")]
    private static partial void LogReloaded(ILogger logger, string subject, DateTime notAfter, string path);

    [LoggerMessage(EventId = 75, Level = LogLevel.Warning, Message = "The changed TLS files could not be loaded; the previous certificate stays in service: {Reason}")]
    private static partial void LogReloadFailed(ILogger logger, string reason);

    [LoggerMessage(EventId = 62, Level = LogLevel.Debug, Message = "Refused a client certificate: {Reason}")]
    private static partial void LogClientRefused(ILogger logger, string reason);
}
