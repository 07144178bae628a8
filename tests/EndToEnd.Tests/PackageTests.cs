using System.Xml.Linq;

namespace Spartan.EndToEnd.Tests;

/// <summary>The library packages: <c>dotnet pack</c> makes each with its README and XML docs, and a project outside the
/// checkout restores it from the packed folder and runs it. (Spartan.Client's half is ClientPackageTests.)</summary>
[Collection(PackagingCollection.Name)]
public sealed class PackageTests
{
    /// <summary>The server's own assemblies, packed inside Spartan.Testing.</summary>
    private static readonly string[] ServerAssemblies = ["spartan", "Spartan.Domain", "Spartan.Engine", "Spartan.Storage", "Spartan.Replication"];

    [Fact]
    public async Task Spartan_Testing_packs_the_server_and_runs_a_node_in_a_project_that_restores_it()
    {
        using var feed = new LocalFeed();
        var path = await feed.PackAsync("Testing", "Spartan.Testing");

        using (var package = new PackedPackage(path))
        {
            package.AssertReadmeAndDocs(["Spartan.Testing", .. ServerAssemblies]);
            Assert.Contains("<member name=\"T:Spartan.Testing.SpartanTestNode\">", package.Read("lib/net10.0/Spartan.Testing.xml"),
                StringComparison.Ordinal);
            // The server projects are inside, not dependencies: the Api one would be the `spartan` tool package, and
            // none of them is published on its own.
            Assert.DoesNotContain(package.Dependencies, id => id.StartsWith("spartan", StringComparison.OrdinalIgnoreCase));
            Assert.Contains("RocksDB", package.Dependencies);
            Assert.Contains("FastEndpoints", package.Dependencies);
            Assert.Contains("Microsoft.AspNetCore.TestHost", package.Dependencies);
            Assert.Equal(["Microsoft.AspNetCore.App"], package.FrameworkReferences);
        }

        var output = await feed.RunScratchAsync("TestingScratch", TestingProgram, ["Spartan.Testing"],
            new Dictionary<string, string> { ["Microsoft.Extensions.TimeProvider.Testing"] = CentralVersion("Microsoft.Extensions.TimeProvider.Testing") });
        Assert.Equal("OK", output.Trim().Split('\n')[^1].Trim());
    }

    /// <summary>The scratch program: the README's uses of Spartan.Testing (test server and fake clock, real HTTP, raw TOML
    /// with a data folder, so RocksDB's native library must load from the restored packages).</summary>
    private const string TestingProgram = """
        using System.Net.Http.Json;
        using System.Text.Json;
        using Microsoft.Extensions.Time.Testing;
        using Spartan.Testing;

        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using (var node = await SpartanTestNode.StartAsync(new SpartanTestNodeOptions
        {
            Queues = { "jobs", "jobs-dead" },
            QueueSettings = { ["jobs"] = new SpartanQueueSettings { DeadLetter = "jobs-dead", MaxTries = 2, Timeout = 5 } },
            Time = clock,
        }))
        {
            using var http = node.CreateHttpClient();
            var id = await PushAsync(http, "jobs", "hello");
            Expect(await PopAsync(http, "jobs"), id, "hello");
            clock.Advance(TimeSpan.FromSeconds(6)); // the reservation runs out: the message is back
            Expect(await PopAsync(http, "jobs"), id, "hello");
        }

        await using (var node = await SpartanTestNode.StartAsync(new SpartanTestNodeOptions { Queues = { "q" }, RealHttp = true }))
        {
            using var http = new HttpClient { BaseAddress = node.BaseAddress };
            var id = await PushAsync(http, "q", "over a socket");
            Expect(await PopAsync(http, "q"), id, "over a socket");
        }

        var kept = new SpartanTestNodeOptions
        {
            Toml = "queues = [\"kept\"]\n[persistence]\nmode = \"log\"\npath = \"db\"\n",
            ConfigPath = Path.Combine(Directory.GetCurrentDirectory(), "Spartan.toml"),
        };
        Guid keptId;
        await using (var node = await SpartanTestNode.StartAsync(kept))
        {
            using var http = node.CreateHttpClient();
            keptId = await PushAsync(http, "kept", "on disk");
        }
        await using (var node = await SpartanTestNode.StartAsync(kept))
        {
            using var http = node.CreateHttpClient();
            Expect(await PopAsync(http, "kept"), keptId, "on disk");
        }

        Console.WriteLine("OK");

        static async Task<Guid> PushAsync(HttpClient http, string queue, string body)
        {
            var response = await http.PostAsJsonAsync($"/{queue}", new { body });
            response.EnsureSuccessStatusCode();
            return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        }

        static async Task<JsonElement> PopAsync(HttpClient http, string queue) => await http.GetFromJsonAsync<JsonElement>($"/{queue}");

        static void Expect(JsonElement message, Guid id, string body)
        {
            if (message.GetProperty("id").GetGuid() != id || message.GetProperty("body").GetString() != body)
                throw new InvalidOperationException($"expected {id} with {body}, popped {message}");
        }

        """;

    /// <summary>The version Directory.Packages.props gives <paramref name="package"/>.</summary>
    internal static string CentralVersion(string package) =>
        XDocument.Load(Path.Combine(Repository.Root, "Directory.Packages.props")).Descendants("PackageVersion")
            .Single(p => (string?)p.Attribute("Include") == package).Attribute("Version")!.Value;
}

/// <summary>The tests that pack and build whole projects run one after another (beside the other collections): each is
/// a Release build of its own, and two at once on a small machine only slow both.</summary>
[CollectionDefinition(Name)]
public sealed class PackagingCollection
{
    public const string Name = "Packaging";
}
