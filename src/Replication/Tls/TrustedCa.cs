using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace Spartan.Replication.Tls;

/// <summary>A PEM file of CA certificates that a peer's certificate must chain to (SPEC §12 <c>client_ca</c>,
/// <c>[replication.tls] ca</c>), re-read when the file changes.</summary>
/// <remarks>Used from TLS validation callbacks on any thread. Only this CA is trusted, never the system store, and
/// revocation is not checked (a private CA for a handful of nodes rarely runs a CRL or OCSP service).</remarks>
public sealed class TrustedCa
{
    private readonly string _path;
    private Loaded _loaded;

    /// <summary>Loads the file now; throws <see cref="TlsFileException"/> when it is missing or holds no certificate.</summary>
    public TrustedCa(string path)
    {
        _path = path;
        _loaded = Load();
    }

    /// <summary>Why <paramref name="certificate"/> is not trusted, or null when it chains to this CA.</summary>
    /// <param name="certificate">The peer's certificate, null when it sent none.</param>
    /// <param name="presented">The chain the TLS stack built from what the peer sent (its intermediates).</param>
    /// <param name="errors">The TLS stack's own verdict; name mismatches are ignored (nodes are often reached by
    /// address), everything else is decided here against this CA only.</param>
    public string? Problem(X509Certificate? certificate, X509Chain? presented, SslPolicyErrors errors)
    {
        if (certificate is null || errors.HasFlag(SslPolicyErrors.RemoteCertificateNotAvailable))
            return "the peer presented no certificate";
        var roots = Current();
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(roots);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        if (presented is not null)
            foreach (var element in presented.ChainElements)
                chain.ChainPolicy.ExtraStore.Add(element.Certificate);
        var leaf = certificate as X509Certificate2 ?? new X509Certificate2(certificate);
        if (chain.Build(leaf)) return null;
        var reasons = new List<string>();
        foreach (var status in chain.ChainStatus)
            if (status.Status != X509ChainStatusFlags.NoError) reasons.Add(status.StatusInformation.Trim());
        return $"its certificate ({leaf.Subject}) does not chain to the CA in {_path}: {string.Join("; ", reasons)}";
    }

    /// <summary>Re-reads the file even if it looks unchanged (SIGHUP); when it cannot be used, throws
    /// <see cref="TlsFileException"/> and keeps trusting what was loaded.</summary>
    public void Reload() => Volatile.Write(ref _loaded, Load());

    private X509Certificate2Collection Current()
    {
        var loaded = Volatile.Read(ref _loaded);
        try
        {
            var info = new FileInfo(_path);
            if (info.Exists && (info.LastWriteTimeUtc, info.Length) != loaded.Stamp)
            {
                loaded = Load();
                Volatile.Write(ref _loaded, loaded);
            }
        }
        catch (TlsFileException)
        {
            // A CA file being replaced or broken: keep trusting what was loaded.
        }

        return loaded.Roots;
    }

    private Loaded Load()
    {
        var info = new FileInfo(_path);
        if (!info.Exists) throw new TlsFileException(_path, "not found");
        var roots = new X509Certificate2Collection();
        try
        {
            roots.ImportFromPemFile(_path);
        }
        catch (Exception error) when (error is System.Security.Cryptography.CryptographicException or IOException
                                          or UnauthorizedAccessException)
        {
            throw new TlsFileException(_path, $"cannot load the CA certificates: {error.Message}", error);
        }

        if (roots.Count == 0) throw new TlsFileException(_path, "holds no PEM certificate");
        return new Loaded((info.LastWriteTimeUtc, info.Length), roots);
    }

    private sealed record Loaded((DateTime, long) Stamp, X509Certificate2Collection Roots);
}
