using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Spartan.Api.Hosting;
using Xunit;

namespace Spartan.Api.Tests.Hosting;

/// <summary>Every background failure is logged and counted (issue: no silent failures): a snapshot that cannot be written
/// is an Error line and <c>spartan_background_failures_total{job="snapshot"}</c>, and the node goes on serving.</summary>
public sealed class BackgroundFailuresTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("spartan-failures-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task A_failed_snapshot_is_an_error_line_and_a_metric_and_the_node_serves_on()
    {
        var logs = new CapturedLogs();
        await using var node = await TestNode.StartAsync($"""
            queues = ["q"]
            [persistence]
            mode = "snapshot"
            path = "{_folder}"
            timer = 60
            """, logs: logs);
        await node.PushAsync("q");
        // The store goes away under the node (as a disk would): the next periodic snapshot cannot be written.
        node.Services.GetRequiredService<NodeStorage>().Store!.Dispose();

        node.Advance(60);
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!logs.Entries.Any(e => e.Level == LogLevel.Error && e.Message.Contains("Background job snapshot failed", StringComparison.Ordinal)))
        {
            Assert.True(DateTime.UtcNow < deadline, string.Join('\n', logs.Entries));
            await Task.Delay(10, TestContext.Current.CancellationToken);
        }

        var metrics = await (await node.SendAsync(HttpMethod.Get, "/_/metrics")).Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.Contains("spartan_background_failures_total{job=\"snapshot\"} 1", metrics, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await node.SendAsync(HttpMethod.Get, "/q/size")).StatusCode);
    }
}
