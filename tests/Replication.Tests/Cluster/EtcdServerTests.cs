using Spartan.Tests.Shared;
using static Spartan.Replication.Tests.Cluster.EtcdTestKit;

namespace Spartan.Replication.Tests.Cluster;

/// <summary>The test etcd harness itself.</summary>
public sealed class EtcdServerTests
{
    [Fact]
    public async Task A_missing_etcd_binary_fails_saying_how_to_install_it()
    {
        var error = await Assert.ThrowsAsync<FileNotFoundException>(() =>
            EtcdServer.StartAsync("/nonexistent/bin/etcd", Ct));

        Assert.Contains("etcd not found: install Debian's etcd-server (apt-get install -y etcd-server)", error.Message,
            StringComparison.Ordinal);
        Assert.Contains("/nonexistent/bin/etcd", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_restarted_etcd_keeps_its_url_and_data_and_is_gone_after_dispose()
    {
        var etcd = await EtcdServer.StartAsync(cancellationToken: Ct);
        var url = etcd.ClientUrl;
        using var http = new HttpClient();
        var pid = etcd.Pid;

        await etcd.KillAsync();
        Assert.False(Directory.Exists($"/proc/{pid}"), "the killed etcd is still there");
        await etcd.RestartAsync(Ct);

        Assert.Equal(url, etcd.ClientUrl);
        Assert.NotEqual(pid, etcd.Pid);
        Assert.Contains("\"health\":\"true\"", await http.GetStringAsync(new Uri($"{url}/health"), Ct), StringComparison.Ordinal);
        Assert.Contains("member-initialized\":true", etcd.Log, StringComparison.Ordinal); // the same data folder, reopened

        var restarted = etcd.Pid;
        await etcd.DisposeAsync();
        Assert.False(Directory.Exists($"/proc/{restarted}"), "the disposed etcd is still there");
    }
}
