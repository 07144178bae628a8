using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Logging;
using Spartan.Replication.Protocol;

namespace Spartan.Replication.Tls;

/// <summary>This node's <c>[replication.tls]</c> (SPEC §12): its certificate, the CA its peers must chain to, and the
/// mutual TLS handshake of either end of a replication link (the replica is the TLS server, the primary the client).</summary>
/// <remarks>One instance per node, shared by every connection on any thread. The files are re-read when they change
/// (checked per new connection) and by <see cref="Reload"/> (SIGHUP); a file that cannot be used keeps the previous
/// material in service and is logged. TLS 1.2 and 1.3 only; only the configured CA is trusted, never the system
/// store; host names are not checked (nodes are reached by address). A failed handshake throws
/// <see cref="TlsHandshakeException"/> whose message is the reason to log: the validating side names the certificate
/// and the CA it does not chain to; the other side gets no TLS alert from .NET on Linux, only a closed connection,
/// so its message says what that most likely means.</remarks>
public sealed partial class ReplicationTls
{
    private const SslProtocols Protocols = SslProtocols.Tls12 | SslProtocols.Tls13;
    private readonly CertificateFiles _files;
    private readonly TrustedCa _ca;
    private readonly ILogger _logger;

    /// <summary>Loads the files now; throws <see cref="TlsFileException"/> naming the one that cannot be used.</summary>
    public ReplicationTls(string cert, string key, string ca, ILogger logger)
    {
        _files = new CertificateFiles(cert, key);
        _ca = new TrustedCa(ca);
        _logger = logger;
        _files.Failed += error => LogUnusable(_logger, error.Message);
        _files.Reloaded += Reloaded;
    }

    /// <summary>The certificate this node presents now.</summary>
    public X509Certificate2 Certificate => _files.Certificate;

    /// <summary>Re-reads the certificate, key and CA files (SIGHUP); a file that cannot be used is logged and the
    /// previous material stays in service.</summary>
    public void Reload()
    {
        _files.Reload();
        try
        {
            _ca.Reload();
        }
        catch (TlsFileException error)
        {
            LogUnusable(_logger, error.Message);
        }
    }

    /// <summary>The replica's side: a TLS server on an accepted connection, requiring a client certificate.</summary>
    /// <exception cref="TlsHandshakeException">The handshake failed; the message says why.</exception>
    internal Task<SslStream> AcceptAsync(Stream connection, CancellationToken ct) => HandshakeAsync(connection, "primary",
        (stream, judge) => stream.AuthenticateAsServerAsync(new SslServerAuthenticationOptions
        {
            ServerCertificateContext = _files.Context,
            ClientCertificateRequired = true,
            EnabledSslProtocols = Protocols,
            CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
            AllowRenegotiation = false,
            RemoteCertificateValidationCallback = judge,
        }, ct),
        static _ => "the peer closed the connection during the TLS handshake; it most likely does not trust this node's " +
                    "certificate (not issued by the CA in its [replication.tls] ca)",
        ct);

    /// <summary>The primary's side: a TLS client presenting this node's certificate to the replica at
    /// <paramref name="host"/>.</summary>
    /// <exception cref="TlsHandshakeException">The handshake failed; the message says why.</exception>
    internal Task<SslStream> ConnectAsync(Stream connection, string host, CancellationToken ct) => HandshakeAsync(connection, "replica",
        (stream, judge) => stream.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
        {
            TargetHost = host,
            ClientCertificateContext = _files.Context,
            EnabledSslProtocols = Protocols,
            CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
            AllowRenegotiation = false,
            RemoteCertificateValidationCallback = judge,
        }, ct),
        // Not a byte back: the replica does not speak TLS at all. Its hello, then a hang-up: it rejected this node's
        // certificate.
        static received => received == 0
            ? "the replica closed the connection without answering the TLS handshake; it has no [replication.tls] while this node has one"
            : "the replica closed the connection during the TLS handshake; it most likely does not trust this node's certificate " +
              "(not issued by the CA in its [replication.tls] ca)",
        ct);

    /// <summary>Runs one TLS handshake on <paramref name="connection"/> (which the returned stream owns), reading at
    /// most the pre-authentication budget until it completes.</summary>
    /// <param name="connection">The connection's byte stream (a socket's, or a pipe's in tests).</param>
    /// <param name="peer">What the other end is, for the log.</param>
    /// <param name="authenticate">Runs the handshake as this end, with the given certificate validation.</param>
    /// <param name="hungUp">Why the peer hung up, given how many bytes it had sent.</param>
    /// <param name="ct">The handshake window.</param>
    private async Task<SslStream> HandshakeAsync(Stream connection, string peer,
        Func<SslStream, RemoteCertificateValidationCallback, Task> authenticate, Func<int, string> hungUp, CancellationToken ct)
    {
        var budget = new ReadBudgetStream(connection, ProtocolVersion.MaxFrameBeforeAuth);
        var stream = new SslStream(budget, leaveInnerStreamOpen: false);
        var verdict = new Verdict();
        try
        {
            await authenticate(stream, verdict.Judge(_ca));
        }
        catch (Exception error) when (error is AuthenticationException or IOException && !ct.IsCancellationRequested)
        {
            await stream.DisposeAsync();
            var reason = verdict.Refusal(peer) ?? (IsClosed(error) ? hungUp(budget.Received) : Describe(error));
            throw new TlsHandshakeException(reason, error);
        }
        catch
        {
            await stream.DisposeAsync();
            ct.ThrowIfCancellationRequested(); // an I/O error caused by the cancellation is the cancellation
            throw;
        }

        budget.Lift();
        return stream;
    }

    private static string Describe(Exception error) => error switch
    {
        TlsBudgetExceededException => error.Message,
        { InnerException: { } inner } => $"TLS handshake failed: {error.Message} ({inner.Message})",
        _ => $"TLS handshake failed: {error.Message}",
    };

    /// <summary>End of stream or a reset: the peer hung up (.NET surfaces no TLS alert for it on Linux).</summary>
    private static bool IsClosed(Exception error) =>
        error is IOException and not TlsBudgetExceededException
        && (error.InnerException is SocketException { SocketErrorCode: SocketError.ConnectionReset or SocketError.ConnectionAborted }
            || error.InnerException is null);

    /// <summary>What the validation callback concluded about the peer's certificate.</summary>
    private sealed class Verdict
    {
        private string? _problem;

        /// <summary>Why the handshake was refused here, or null when this side did not refuse the peer's certificate.</summary>
        public string? Refusal(string peer) => _problem is null ? null : $"TLS: the {peer} is not trusted: {_problem}";

        public RemoteCertificateValidationCallback Judge(TrustedCa ca) => (_, certificate, chain, errors) =>
        {
            _problem = ca.Problem(certificate, chain, errors);
            return _problem is null;
        };
    }

    [LoggerMessage(EventId = 60, Level = LogLevel.Information, Message = "Replication TLS certificate loaded: {Subject}, valid until {NotAfter:u}")]
    private static partial void LogReloaded(ILogger logger, string subject, DateTime notAfter);

    private void Reloaded(X509Certificate2 certificate)
    {
        var subject = certificate.Subject;
        var notAfter = certificate.NotAfter.ToUniversalTime();
        LogReloaded(_logger, subject, notAfter);
    }

    [LoggerMessage(EventId = 61, Level = LogLevel.Error, Message = "Replication TLS file {Problem}; the previous certificate stays in use")]
    private static partial void LogUnusable(ILogger logger, string problem);
}

/// <summary>The TLS handshake of a replication connection failed; the message says why, for the log.</summary>
public sealed class TlsHandshakeException(string reason, Exception inner) : Exception(reason, inner);
