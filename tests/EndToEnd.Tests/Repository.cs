namespace Spartan.EndToEnd.Tests;

/// <summary>The checkout the tests run from (the folder holding <c>Spartan.sln</c>).</summary>
internal static class Repository
{
    public static string Root { get; } = Find();

    private static string Find()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
            if (File.Exists(Path.Combine(folder.FullName, "Spartan.sln"))) return folder.FullName;
        throw new InvalidOperationException($"no folder above {AppContext.BaseDirectory} holds Spartan.sln");
    }
}
