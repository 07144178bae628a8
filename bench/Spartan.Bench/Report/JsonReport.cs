using System.Text.Json;

namespace Spartan.Bench.Report;

/// <summary>Writes the rows of a run, with its settings and environment, as one JSON document.</summary>
internal static class JsonReport
{
    private static readonly JsonSerializerOptions Options = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public static void Write<T>(string path, string command, IReadOnlyDictionary<string, string> settings, IReadOnlyList<T> rows)
    {
        var document = new
        {
            Command = command,
            Date = DateTime.UtcNow.ToString("u", System.Globalization.CultureInfo.InvariantCulture),
            Machine = new { Environment.ProcessorCount, Os = Environment.OSVersion.VersionString, Runtime = Environment.Version.ToString() },
            Settings = settings,
            Rows = rows,
        };
        File.WriteAllText(path, JsonSerializer.Serialize(document, Options));
        Console.Error.WriteLine($"bench: wrote {rows.Count} rows to {path}");
    }
}
