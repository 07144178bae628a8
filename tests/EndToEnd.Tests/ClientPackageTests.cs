// PENDING: Spartan.Client's half of the package tests. It needs src/Client (the client branch); this file is left out of
// the build by its .pending extension. Once src/Client is merged, rename it to ClientPackageTests.cs. There is nothing
// else to enable: a checkout without src/Client/Spartan.Client.csproj then fails this test, saying so.
namespace Spartan.EndToEnd.Tests;

/// <summary>Spartan.Client: <c>dotnet pack</c> makes it with its README and XML docs, and a project outside the checkout
/// restores it (with Spartan.Testing, for a node to talk to) from the packed folder and pushes and pops through it.</summary>
[Collection(PackagingCollection.Name)]
public sealed class ClientPackageTests
{
    [Fact]
    public async Task Spartan_Client_packs_and_a_project_that_restores_it_pushes_and_pops()
    {
        var project = Path.Combine(Repository.Root, "src", "Client", "Spartan.Client.csproj");
        Assert.True(File.Exists(project), $"{project} is missing: Spartan.Client is one of the packages `dotnet pack` must make");

        using var feed = new LocalFeed();
        var client = await feed.PackAsync("Client", "Spartan.Client");
        await feed.PackAsync("Testing", "Spartan.Testing");

        using (var package = new PackedPackage(client))
        {
            package.AssertReadmeAndDocs("Spartan.Client");
            Assert.Contains("<member name=\"T:Spartan.Client.SpartanClient\">", package.Read("lib/net10.0/Spartan.Client.xml"),
                StringComparison.Ordinal);
            // The client stands alone: nothing of the server comes with it.
            Assert.DoesNotContain(package.Dependencies, id => id.StartsWith("spartan", StringComparison.OrdinalIgnoreCase));
        }

        var output = await feed.RunScratchAsync("ClientScratch", ClientProgram, ["Spartan.Client", "Spartan.Testing"]);
        Assert.Equal("OK", output.Trim().Split('\n')[^1].Trim());
    }

    /// <summary>The scratch program: a node on real HTTP, the client on a plain HttpClient, one message there and back.</summary>
    private const string ClientProgram = """
        using Spartan.Client;
        using Spartan.Testing;

        await using var node = await SpartanTestNode.StartAsync(new SpartanTestNodeOptions { Queues = { "q" }, RealHttp = true });
        using var http = new HttpClient { BaseAddress = node.BaseAddress };
        var client = new SpartanClient(http);

        Guid id = await client.PushAsync("q", "hello");
        var message = await client.PopAsync("q");
        if (message?.Id != id || message?.Body != "hello")
            throw new InvalidOperationException($"pushed {id}, popped {message?.Id} with {message?.Body}");
        Console.WriteLine("OK");

        """;
}
