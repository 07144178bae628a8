using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace Spartan.Replication.Tls;

/// <summary>A PEM certificate chain and its private key on disk, re-read whenever either file changes (SPEC §12),
/// so new connections get a renewed certificate without a restart.</summary>
/// <remarks>Read on every new TLS connection, from any thread: a check costs two <c>stat</c> calls, far below a TLS
/// handshake, and needs no watcher thread or timer. A pair that does not load (a renewal half written, a key that
/// does not match) keeps the previous certificate in service and is reported once through <see cref="Failed"/>;
/// the next connection after the files change again tries anew. The first load throws, so a node never starts
/// without a certificate.</remarks>
public sealed class CertificateFiles
{
    private readonly Lock _lock = new();
    private readonly string _cert;
    private readonly string _key;
    private Loaded _current;
    private Stamp _failedAt;

    /// <summary>Loads the pair now; throws <see cref="TlsFileException"/> naming the file that cannot be used.</summary>
    public CertificateFiles(string cert, string key)
    {
        _cert = cert;
        _key = key;
        _current = Load(StampOf());
    }

    /// <summary>Raised when changed files could not be loaded (the previous certificate stays in use).</summary>
    public event Action<TlsFileException>? Failed;

    /// <summary>Raised after a changed pair was loaded; new connections use it.</summary>
    public event Action<X509Certificate2>? Reloaded;

    /// <summary>The certificate new connections present, with its chain.</summary>
    public SslStreamCertificateContext Context => Refresh(force: false).Context;

    /// <summary>The certificate itself (its subject, expiry, thumbprint).</summary>
    public X509Certificate2 Certificate => Refresh(force: false).Leaf;

    /// <summary>Re-reads the files even if they look unchanged (SIGHUP).</summary>
    public void Reload() => Refresh(force: true);

    private Loaded Refresh(bool force)
    {
        Stamp stamp;
        try
        {
            stamp = StampOf();
        }
        catch (TlsFileException)
        {
            stamp = default; // a file is gone for a moment (replaced by rename); keep serving what we have
        }

        var current = Volatile.Read(ref _current);
        if (!force && (stamp == current.Stamp || stamp == default || stamp == _failedAt)) return current;
        lock (_lock)
        {
            if (!force && (stamp == _current.Stamp || stamp == _failedAt)) return _current;
            try
            {
                var loaded = Load(stamp == default ? StampOf() : stamp);
                Volatile.Write(ref _current, loaded);
                _failedAt = default;
                Reloaded?.Invoke(loaded.Leaf);
                return loaded;
            }
            catch (TlsFileException error)
            {
                _failedAt = stamp;
                Failed?.Invoke(error);
                return _current;
            }
        }
    }

    private Stamp StampOf() => new(StampOf(_cert), StampOf(_key));

    private static (DateTime, long) StampOf(string path)
    {
        var info = new FileInfo(path);
        if (!info.Exists) throw new TlsFileException(path, "not found");
        return (info.LastWriteTimeUtc, info.Length);
    }

    private Loaded Load(Stamp stamp)
    {
        X509Certificate2 leaf;
        var chain = new X509Certificate2Collection();
        try
        {
            leaf = X509Certificate2.CreateFromPemFile(_cert, _key);
            chain.ImportFromPemFile(_cert);
        }
        catch (Exception error) when (error is System.Security.Cryptography.CryptographicException or IOException
                                          or UnauthorizedAccessException or ArgumentException)
        {
            throw new TlsFileException(_cert, $"cannot load the certificate with its key {_key}: {error.Message}", error);
        }

        if (!leaf.HasPrivateKey) throw new TlsFileException(_key, "holds no private key for the certificate");
        // The first certificate of the file is the leaf; the rest (intermediates) are sent along with it.
        var intermediates = new X509Certificate2Collection();
        for (var i = 1; i < chain.Count; i++) intermediates.Add(chain[i]);
        var context = SslStreamCertificateContext.Create(leaf, intermediates, offline: true);
        return new Loaded(stamp, leaf, context);
    }

    private readonly record struct Stamp((DateTime, long) Cert, (DateTime, long) Key);

    private sealed record Loaded(Stamp Stamp, X509Certificate2 Leaf, SslStreamCertificateContext Context);
}

/// <summary>A TLS file that is missing or cannot be used; the message names the file and why.</summary>
public sealed class TlsFileException : Exception
{
    public TlsFileException(string path, string problem) : base($"{path}: {problem}") => Path = path;

    public TlsFileException(string path, string problem, Exception inner) : base($"{path}: {problem}", inner) => Path = path;

    /// <summary>The file at fault.</summary>
    public string Path { get; }
}
