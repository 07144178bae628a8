using Spartan.Api.Configuration;

namespace Spartan.Api.Cli;

/// <summary><c>spartan init</c>: writes a commented configuration that passes validation and creates the data folder.</summary>
public static class InitCommand
{
    public const string DataFolder = "db";

    public static int Run(string configPath, bool force, string? queueList, TextWriter output, TextWriter error)
    {
        var path = Path.GetFullPath(configPath);
        if (File.Exists(path) && !force)
        {
            error.WriteLine($"{path} already exists; nothing was changed. Use --force to overwrite it.");
            return SpartanCli.Usage;
        }

        IReadOnlyList<string> queues = queueList is null
            ? ConfigTemplate.DefaultQueues
            : queueList.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        string text;
        try
        {
            text = ConfigTemplate.Render(queues);
            ConfigLoader.Parse(text, path);
        }
        catch (ConfigException problem)
        {
            error.WriteLine($"--queues: {problem.Message}");
            return SpartanCli.Usage;
        }

        var folder = Path.GetDirectoryName(path)!;
        try
        {
            Directory.CreateDirectory(folder);
            File.WriteAllText(path, text);
            Directory.CreateDirectory(Path.Combine(folder, DataFolder));
        }
        catch (Exception failure) when (failure is IOException or UnauthorizedAccessException)
        {
            error.WriteLine($"Could not write {path}: {failure.Message}");
            return SpartanCli.Failure;
        }

        output.WriteLine($"Wrote {path} (queues: {string.Join(", ", queues)}).");
        // The template leaves [persistence] commented out: say so, rather than suggest the data folder is in use.
        output.WriteLine($"Messages are kept in memory only: uncomment [persistence] in {Path.GetFileName(path)} to keep them " +
                         $"on disk in {Path.Combine(folder, DataFolder)} (created, empty).");
        output.WriteLine("Start the server with: spartan start");
        return SpartanCli.Ok;
    }
}
