namespace Spartan.Sqs.Tests;

public sealed class SmokeTests
{
    [Fact]
    public async Task A_node_starts()
    {
        await using var node = await TestNode.StartAsync("queues = [\"q\"]\n");
        Assert.Equal(System.Net.HttpStatusCode.OK, (await node.SendAsync(HttpMethod.Get, "/q/size")).StatusCode);
    }
}
