using Spartan.Replication.Tls;

namespace Spartan.Replication.Tests.Tls;

/// <summary>The TLS handshake of an unauthenticated peer reads at most 64 KiB (SPEC §9), then reads are free.</summary>
public sealed class ReadBudgetStreamTests
{
    [Fact]
    public async Task Reads_stop_at_the_budget_until_it_is_lifted()
    {
        var source = new MemoryStream(new byte[200 * 1024]);
        await using var stream = new ReadBudgetStream(source, 64 * 1024);
        var buffer = new byte[48 * 1024];

        Assert.Equal(48 * 1024, await stream.ReadAtLeastAsync(buffer, 1, cancellationToken: TestContext.Current.CancellationToken));
        Assert.Equal(16 * 1024, await stream.ReadAtLeastAsync(buffer, 1, cancellationToken: TestContext.Current.CancellationToken)); // cut at the budget
        var error = await Assert.ThrowsAsync<TlsBudgetExceededException>(async () => await stream.ReadAtLeastAsync(buffer, 1, cancellationToken: TestContext.Current.CancellationToken));
        Assert.Contains("more than 64 KiB during the TLS handshake", error.Message, StringComparison.Ordinal);
        Assert.Equal(64 * 1024, source.Position);

        stream.Lift();

        Assert.Equal(48 * 1024, await stream.ReadAtLeastAsync(buffer, buffer.Length, cancellationToken: TestContext.Current.CancellationToken));
    }
}
