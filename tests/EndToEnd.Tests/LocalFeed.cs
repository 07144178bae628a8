using System.Diagnostics;
using System.IO.Compression;
using System.Text;
using System.Xml.Linq;

namespace Spartan.EndToEnd.Tests;

/// <summary>A folder of packages packed from this checkout, and scratch projects outside the checkout that restore them
/// from it as a user's project would (nuget.org stays a source for the third-party packages). Everything lives in one
/// temp folder, deleted on dispose.</summary>
/// <remarks>The packages get a version of their own (<see cref="Version"/>) and the scratch projects a package cache of
/// their own, so a restore can only find the packages packed here, never an older copy cached under the same version.
/// The user's cache is a fallback folder for the third-party packages, which the checkout's own restore put there.</remarks>
internal sealed class LocalFeed : IDisposable
{
    private static readonly TimeSpan PackTimeout = TimeSpan.FromMinutes(8);
    private static readonly TimeSpan RunTimeout = TimeSpan.FromMinutes(5);
    private readonly TempFolder _folder = new();

    public LocalFeed() => Directory.CreateDirectory(Packages);

    /// <summary>The version every package of this feed is packed with.</summary>
    public string Version { get; } = $"0.1.0-packtest.t{Guid.NewGuid():N}";

    /// <summary>The folder the packages are packed into: the feed's source.</summary>
    public string Packages => _folder.File("packages");

    /// <summary>Runs <c>dotnet pack</c> on <c>src/<paramref name="project"/></c> (Release, outputs in the temp folder) and
    /// answers the path of the package <paramref name="packageId"/> it made.</summary>
    public async Task<string> PackAsync(string project, string packageId)
    {
        var folder = Path.Combine(Repository.Root, "src", project);
        await RunDotnetAsync(Repository.Root, PackTimeout, "pack", folder, "-c", "Release", "-o", Packages,
            "--artifacts-path", _folder.File("artifacts"), $"-p:PackageVersion={Version}");
        var package = Path.Combine(Packages, $"{packageId}.{Version}.nupkg");
        Assert.True(File.Exists(package), $"dotnet pack {folder} made no {Path.GetFileName(package)}: " +
            string.Join(", ", Directory.GetFiles(Packages).Select(Path.GetFileName)));
        return package;
    }

    /// <summary>Creates a console project in a new folder that references <paramref name="packageIds"/> from this feed
    /// (and <paramref name="otherPackages"/>, by name and version, from the usual sources), runs
    /// <paramref name="program"/> with <paramref name="args"/> and answers its standard output.</summary>
    public async Task<string> RunScratchAsync(string name, string program, IEnumerable<string> packageIds,
        IReadOnlyDictionary<string, string>? otherPackages = null, params string[] args)
    {
        var project = Directory.CreateDirectory(_folder.File(name)).FullName;
        // Nothing of the checkout's build settings, and none of any folder above, reaches the scratch project.
        File.WriteAllText(Path.Combine(project, "Directory.Build.props"), "<Project />\n");
        File.WriteAllText(Path.Combine(project, "Directory.Build.targets"), "<Project />\n");
        File.WriteAllText(Path.Combine(project, "Directory.Packages.props"),
            "<Project><PropertyGroup><ManagePackageVersionsCentrally>false</ManagePackageVersionsCentrally></PropertyGroup></Project>\n");
        File.WriteAllText(Path.Combine(project, "nuget.config"), NuGetConfig());

        var references = new StringBuilder();
        foreach (var id in packageIds) references.Append($"    <PackageReference Include=\"{id}\" Version=\"{Version}\" />\n");
        foreach (var (id, version) in otherPackages ?? new Dictionary<string, string>())
            references.Append($"    <PackageReference Include=\"{id}\" Version=\"{version}\" />\n");
        File.WriteAllText(Path.Combine(project, $"{name}.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
                <ImplicitUsings>enable</ImplicitUsings>
              </PropertyGroup>
              <ItemGroup>
            {references}  </ItemGroup>
            </Project>

            """);
        File.WriteAllText(Path.Combine(project, "Program.cs"), program);

        return await RunDotnetAsync(project, RunTimeout, ["run", "--", .. args]);
    }

    /// <summary>The feed as a source beside the user's own (nuget.org); the user's package cache as a fallback folder.</summary>
    private string NuGetConfig()
    {
        var fallback = UserPackageCache() is { } cache ? $"""
              <fallbackPackageFolders>
                <add key="user-cache" value="{cache}" />
              </fallbackPackageFolders>
            """ : "";
        return $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <add key="spartan-packed" value="{Packages}" />
              </packageSources>
            {fallback}
            </configuration>

            """;
    }

    private static string? UserPackageCache()
    {
        var cache = Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } set
            ? set
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        return Directory.Exists(cache) ? cache : null;
    }

    /// <summary>Runs the dotnet CLI to its end within <paramref name="timeout"/> (killed past it); a failure fails the
    /// test with everything the command printed.</summary>
    private async Task<string> RunDotnetAsync(string workingDirectory, TimeSpan timeout, params string[] args)
    {
        var ct = TestContext.Current.CancellationToken;
        var dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";
        var info = new ProcessStartInfo(dotnet)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in args) info.ArgumentList.Add(arg);
        // The scratch projects' own package cache (see the remarks above); pack does not extract packages.
        info.Environment["NUGET_PACKAGES"] = _folder.File("package-cache");
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync(ct);
        var stderr = process.StandardError.ReadToEndAsync(ct);
        try
        {
            await process.WaitForExitAsync(ct).WaitAsync(timeout, ct);
        }
        catch (TimeoutException)
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"dotnet {string.Join(' ', args)} took over {timeout.TotalMinutes} min and was killed");
        }

        var output = await stdout;
        Assert.True(process.ExitCode == 0, $"dotnet {string.Join(' ', args)} in {workingDirectory} exited with {process.ExitCode}:\n{output}{await stderr}");
        return output;
    }

    public void Dispose() => _folder.Dispose();
}

/// <summary>What a packed .nupkg holds.</summary>
internal sealed class PackedPackage : IDisposable
{
    private readonly ZipArchive _zip;

    public PackedPackage(string path)
    {
        _zip = ZipFile.OpenRead(path);
        var nuspec = _zip.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal) && !e.FullName.Contains('/'));
        using var stream = nuspec.Open();
        Nuspec = XDocument.Load(stream);
    }

    public XDocument Nuspec { get; }

    public IReadOnlyList<string> Files => _zip.Entries.Select(e => e.FullName).ToArray();

    /// <summary>The nuspec's <c>metadata/NAME</c> value.</summary>
    public string? Metadata(string name) => Nuspec.Root?.Elements().Single(e => e.Name.LocalName == "metadata")
        .Elements().FirstOrDefault(e => e.Name.LocalName == name)?.Value;

    /// <summary>The ids of the package's dependencies (every target framework).</summary>
    public IReadOnlyList<string> Dependencies => Nuspec.Descendants().Where(e => e.Name.LocalName == "dependency")
        .Select(e => (string)e.Attribute("id")!).ToArray();

    public IReadOnlyList<string> FrameworkReferences => Nuspec.Descendants().Where(e => e.Name.LocalName == "frameworkReference")
        .Select(e => (string)e.Attribute("name")!).ToArray();

    public string Read(string file)
    {
        var entry = _zip.GetEntry(file);
        Assert.True(entry is not null, $"the package has no {file}: {string.Join(", ", Files)}");
        using var reader = new StreamReader(entry.Open());
        return reader.ReadToEnd();
    }

    /// <summary>Asserts the package's readme is its README.md and that each assembly of <c>lib/net10.0</c> named comes with
    /// XML docs that document something.</summary>
    public void AssertReadmeAndDocs(params string[] assemblies)
    {
        Assert.Equal("README.md", Metadata("readme"));
        Assert.Contains("# ", Read("README.md"), StringComparison.Ordinal);
        foreach (var assembly in assemblies)
        {
            Assert.Contains($"lib/net10.0/{assembly}.dll", Files);
            var docs = XDocument.Parse(Read($"lib/net10.0/{assembly}.xml"));
            Assert.Equal(assembly, docs.Descendants("assembly").Single().Element("name")?.Value);
            Assert.Contains(docs.Descendants("member"), m => m.Element("summary") is not null);
        }
    }

    public void Dispose() => _zip.Dispose();
}
