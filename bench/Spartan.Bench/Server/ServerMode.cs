namespace Spartan.Bench.Server;

/// <summary>A storage configuration of the server under test, by its bench name.</summary>
internal sealed record ServerMode(string Name, string Description)
{
    public const string Queue = "bench";

    public static readonly ServerMode Memory = new("memory", "in memory, no [persistence]");
    public static readonly ServerMode Snapshot = new("snapshot", "snapshot mode, timer = 900");
    public static readonly ServerMode LogNever = new("log-never", "log mode, fsync = never");
    public static readonly ServerMode LogAlways = new("log-always", "log mode, fsync = always");

    public static IReadOnlyList<ServerMode> All { get; } = [Memory, Snapshot, LogNever, LogAlways];

    public bool IsLog => this == LogNever || this == LogAlways;

    public bool Persists => this != Memory;

    /// <summary>The modes of a <c>--modes</c> list (comma-separated names), each once, in the order given.</summary>
    public static List<ServerMode> ParseList(string list) =>
        list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(Parse).Distinct().ToList();

    /// <summary>memory and log-always: the default pair of the commands that compare a fast and a durable node.</summary>
    public static string MemoryAndLogAlways => $"{Memory.Name},{LogAlways.Name}";

    public static ServerMode Parse(string name) =>
        All.FirstOrDefault(m => m.Name == name)
        ?? throw new ArgumentException($"unknown mode \"{name}\" (expected {string.Join(", ", All.Select(m => m.Name))})");

    /// <summary>The Spartan.toml of this mode: queue <c>bench</c> whose messages neither expire nor run out of tries
    /// during a run; <paramref name="compaction"/> matters only to log mode.</summary>
    public string Toml(bool compaction = true)
    {
        var head = $"""
            queues = ["{Queue}"]

            [queue_settings.{Queue}]
            max_tries = 5
            timeout = 600

            """;
        var persistence = Name switch
        {
            "memory" => "",
            "snapshot" => "[persistence]\nmode = \"snapshot\"\npath = \"./db\"\ntimer = 900\n",
            _ => "[persistence]\nmode = \"log\"\npath = \"./db\"\n" +
                 $"fsync = \"{(this == LogAlways ? "always" : "never")}\"\ncompaction = {(compaction ? "true" : "false")}\n",
        };
        return head + persistence;
    }
}
