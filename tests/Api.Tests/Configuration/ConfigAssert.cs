using Spartan.Api.Configuration;
using Xunit;

namespace Spartan.Api.Tests.Configuration;

/// <summary>Shared helpers for the configuration tests.</summary>
internal static class ConfigAssert
{
    /// <summary>A config path that never exists on disk: <see cref="ConfigLoader.Parse"/> does not read it.</summary>
    public static readonly string FakePath =
        Path.Combine(Path.GetTempPath(), "spartan-config-tests-" + Guid.NewGuid().ToString("N"), "Spartan.toml");

    public static string FakeFolder => Path.GetDirectoryName(FakePath)!;

    public static SpartanConfig Parse(string toml) => ConfigLoader.Parse(toml, FakePath);

    /// <summary>Asserts that <paramref name="toml"/> is refused with a message <c>file: keyPath: …</c>.</summary>
    public static ConfigException Fails(string toml, string keyPath)
    {
        var error = Assert.Throws<ConfigException>(() => ConfigLoader.Parse(toml, FakePath));
        Assert.StartsWith($"{FakePath}: {keyPath}: ", error.Message, StringComparison.Ordinal);
        return error;
    }

    /// <summary>Asserts the refusal and that the "what is wrong" part contains <paramref name="fragment"/>.</summary>
    public static void Fails(string toml, string keyPath, string fragment)
    {
        ConfigException error = Fails(toml, keyPath);
        Assert.Contains(fragment, error.Message, StringComparison.Ordinal);
    }
}

/// <summary>A unique temporary folder, deleted on dispose.</summary>
internal sealed class TempFolder : IDisposable
{
    public TempFolder()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "spartan-config-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string Write(string name, string text)
    {
        string file = System.IO.Path.Combine(Path, name);
        File.WriteAllText(file, text);
        return file;
    }

    public void Dispose() => Directory.Delete(Path, recursive: true);
}
