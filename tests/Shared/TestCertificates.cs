using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Security.Cryptography;

namespace Spartan.Tests.Shared;

/// <summary>A throwaway certificate authority made in the test (no external tool), issuing server and client
/// certificates and writing them as PEM files the way an operator would.</summary>
internal sealed class TestCa : IDisposable
{
    private readonly ECDsa _key;

    private TestCa(string name, ECDsa key, X509Certificate2 certificate)
    {
        Name = name;
        _key = key;
        Certificate = certificate;
    }

    public string Name { get; }

    public X509Certificate2 Certificate { get; }

    public static TestCa Create(string name)
    {
        var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(
            X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        var now = DateTimeOffset.UtcNow;
        var certificate = request.CreateSelfSigned(now.AddDays(-1), now.AddYears(1));
        return new TestCa(name, key, certificate);
    }

    /// <summary>A certificate for <paramref name="subject"/>, valid for localhost and 127.0.0.1, usable by a server
    /// and a client (replication nodes are both).</summary>
    public X509Certificate2 Issue(string subject)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={subject}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(
            [new Oid("1.3.6.1.5.5.7.3.1"), new Oid("1.3.6.1.5.5.7.3.2")], false));
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("localhost");
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(Certificate, true, false));
        var now = DateTimeOffset.UtcNow;
        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7F;
        using var issued = request.Create(Certificate.SubjectName, X509SignatureGenerator.CreateForECDsa(_key),
            now.AddDays(-1), now.AddDays(30), serial);
        return issued.CopyWithPrivateKey(key);
    }

    /// <summary>Writes the CA certificate as PEM; returns its path.</summary>
    public string WriteCa(string folder, string file = "ca.pem")
    {
        var path = Path.Combine(folder, file);
        File.WriteAllText(path, Certificate.ExportCertificatePem());
        return path;
    }

    /// <summary>Issues a certificate for <paramref name="subject"/> and writes <c>NAME.pem</c> and <c>NAME-key.pem</c>.</summary>
    public (string Cert, string Key, X509Certificate2 Certificate) WritePair(string folder, string name, string subject)
    {
        var certificate = Issue(subject);
        return (WritePem(certificate, folder, name).Cert, Path.Combine(folder, name + "-key.pem"), certificate);
    }

    /// <summary>Writes <paramref name="certificate"/> and its private key as <c>NAME.pem</c> and <c>NAME-key.pem</c>.</summary>
    public static (string Cert, string Key) WritePem(X509Certificate2 certificate, string folder, string name)
    {
        var cert = Path.Combine(folder, name + ".pem");
        var key = Path.Combine(folder, name + "-key.pem");
        using var privateKey = certificate.GetECDsaPrivateKey() ?? throw new InvalidOperationException("no EC key");
        File.WriteAllText(key, privateKey.ExportPkcs8PrivateKeyPem());
        File.WriteAllText(cert, certificate.ExportCertificatePem());
        return (cert, key);
    }

    public void Dispose()
    {
        Certificate.Dispose();
        _key.Dispose();
    }
}
