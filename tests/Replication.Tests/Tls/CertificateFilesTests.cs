using System.Net.Security;
using Spartan.Replication.Tls;
using Spartan.Tests.Shared;
using Xunit;

namespace Spartan.Replication.Tests.Tls;

/// <summary>Certificate files are re-read when they change, and a broken renewal never takes the old one away.</summary>
public sealed class CertificateFilesTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("spartan-tls-").FullName;
    private readonly TestCa _ca = TestCa.Create("Spartan Test CA");

    public void Dispose()
    {
        _ca.Dispose();
        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public void Loads_the_pair_with_its_key()
    {
        var (cert, key, issued) = _ca.WritePair(_folder, "node", "node-a");

        var files = new CertificateFiles(cert, key);

        Assert.Equal(issued.Thumbprint, files.Certificate.Thumbprint);
        Assert.True(files.Certificate.HasPrivateKey);
    }

    [Fact]
    public void A_missing_file_is_named()
    {
        var (cert, _, _) = _ca.WritePair(_folder, "node", "node-a");
        var missing = Path.Combine(_folder, "nope-key.pem");

        var error = Assert.Throws<TlsFileException>(() => new CertificateFiles(cert, missing));

        Assert.Equal(missing, error.Path);
        Assert.Contains("not found", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_changed_pair_is_served_to_the_next_caller()
    {
        var (cert, key, _) = _ca.WritePair(_folder, "node", "node-a");
        var files = new CertificateFiles(cert, key);
        var reloaded = 0;
        files.Reloaded += _ => reloaded++;

        var renewed = _ca.Issue("node-a renewed");
        TestCa.WritePem(renewed, _folder, "node");
        Touch(cert, key);

        Assert.Equal(renewed.Thumbprint, files.Certificate.Thumbprint);
        Assert.Equal(1, reloaded);
    }

    [Fact]
    public void A_broken_renewal_keeps_the_previous_certificate_and_is_reported_once()
    {
        var (cert, key, issued) = _ca.WritePair(_folder, "node", "node-a");
        var files = new CertificateFiles(cert, key);
        var failures = new List<TlsFileException>();
        files.Failed += failures.Add;

        File.WriteAllText(key, "-----BEGIN PRIVATE KEY-----\nnot a key\n-----END PRIVATE KEY-----\n");
        Touch(cert, key);

        Assert.Equal(issued.Thumbprint, files.Certificate.Thumbprint);
        Assert.Equal(issued.Thumbprint, files.Certificate.Thumbprint);
        Assert.Single(failures);
    }

    [Fact]
    public void Reload_rereads_unchanged_files()
    {
        var (cert, key, _) = _ca.WritePair(_folder, "node", "node-a");
        var files = new CertificateFiles(cert, key);
        var reloaded = 0;
        files.Reloaded += _ => reloaded++;

        files.Reload();

        Assert.Equal(1, reloaded);
    }

    [Fact]
    public void A_certificate_of_the_ca_is_trusted_and_one_of_another_ca_is_not()
    {
        var trusted = new TrustedCa(_ca.WriteCa(_folder));
        using var other = TestCa.Create("Other CA");
        using var ours = _ca.Issue("node-a");
        using var theirs = other.Issue("node-b");

        Assert.Null(trusted.Problem(ours, null, SslPolicyErrors.RemoteCertificateChainErrors));
        var problem = trusted.Problem(theirs, null, SslPolicyErrors.RemoteCertificateChainErrors);
        Assert.NotNull(problem);
        Assert.Contains("does not chain to the CA", problem, StringComparison.Ordinal);
        Assert.Equal("the peer presented no certificate", trusted.Problem(null, null, SslPolicyErrors.RemoteCertificateNotAvailable));
    }

    /// <summary>Moves the files' modification time on, as a renewal written a second later would.</summary>
    private static void Touch(params string[] paths)
    {
        foreach (var path in paths) File.SetLastWriteTimeUtc(path, File.GetLastWriteTimeUtc(path).AddSeconds(5));
    }
}
