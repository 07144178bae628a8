namespace Spartan.Bench.Server;

/// <summary>A fresh temp folder holding one configuration's Spartan.toml and data; deleted on dispose.</summary>
internal sealed class BenchFolder : IDisposable
{
    private BenchFolder(string path) => Path = path;

    public string Path { get; }

    public static BenchFolder Create(ServerMode mode)
    {
        var folder = new BenchFolder(Directory.CreateTempSubdirectory($"spartan-bench-{mode.Name}-").FullName);
        folder.WriteConfig(mode.Toml());
        return folder;
    }

    public void WriteConfig(string toml) => File.WriteAllText(System.IO.Path.Combine(Path, "Spartan.toml"), toml);

    /// <summary>Bytes under the folder (the data folder's size on disk, roughly).</summary>
    public long Bytes() => new DirectoryInfo(Path).EnumerateFiles("*", SearchOption.AllDirectories).Sum(f => f.Length);

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); }
        catch (IOException e) { Console.Error.WriteLine($"bench: could not delete {Path}: {e.Message}"); }
        catch (UnauthorizedAccessException e) { Console.Error.WriteLine($"bench: could not delete {Path}: {e.Message}"); }
    }
}
