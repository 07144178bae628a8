using System.Globalization;
using System.Text.Json;
using NodaTime;
using Spartan.Api.Cli;
using Spartan.Domain;
using Spartan.Domain.Events;
using Spartan.Engine;
using Spartan.Storage.Rocks;
using Xunit;

namespace Spartan.Api.Tests.Cli;

/// <summary><c>spartan dump</c> (SPEC §5) over a data folder written through the storage API, run in-process.</summary>
/// <remarks>The dump brings the state to the real clock, so the data is placed relative to it: reservations and
/// delays that must still hold at dump time last two hours, the one that must have run out lasted one second an
/// hour ago.</remarks>
public sealed class DumpCommandTests : IDisposable
{
    private const string Declared = "queues = [\"b\", \"a\", \"c\"]\n";
    private const string LongBody = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
    private const string OddBody = "héllo \"w\"\n<b>&\ttab";

    // Whole seconds, so every formatted time ends in .000Z.
    private static readonly Instant T0 =
        Instant.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds()) - Duration.FromHours(1);

    private readonly string _root = Directory.CreateTempSubdirectory("spartan-dump-").FullName;
    private readonly List<QueueEvent> _events = [];

    public DumpCommandTests()
    {
        Data = Path.Combine(_root, "db");
        Config = WriteConfig(Declared + $"[persistence]\nmode = \"log\"\npath = '{Data}'\n");
    }

    private string Data { get; }
    private string Config { get; }

    // Ids of the messages built by WriteData.
    private Guid Reserved { get; } = Guid.NewGuid();
    private Guid Odd { get; } = Guid.NewGuid();
    private Guid Delayed { get; } = Guid.NewGuid();
    private Guid Expired { get; } = Guid.NewGuid();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose()
    {
        if (Directory.Exists(_root)) Directory.Delete(_root, recursive: true);
    }

    [Fact]
    public async Task Counts_are_json_lines_in_config_order_then_undeclared_queues()
    {
        await WriteData();

        var (code, lines, error) = await Dump("--json");

        Assert.Equal(0, code);
        Assert.Equal(
        [
            """{"queue":"b","size":1,"available":1,"delayed":0,"in_flight":0,"exhausted":0}""",
            """{"queue":"a","size":3,"available":1,"delayed":1,"in_flight":1,"exhausted":0}""",
            """{"queue":"c","size":1,"available":1,"delayed":0,"in_flight":0,"exhausted":0}""",
            """{"queue":"ghost","size":1,"available":1,"delayed":0,"in_flight":0,"exhausted":0}""",
        ], lines);
        Assert.Contains("ghost", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Counts_table_has_a_header_and_one_aligned_row_per_queue()
    {
        await WriteData();

        var (code, lines, _) = await Dump();

        Assert.Equal(0, code);
        Assert.Equal(5, lines.Length);
        Assert.Equal(["QUEUE", "SIZE", "AVAILABLE", "DELAYED", "IN_FLIGHT", "EXHAUSTED"], Cells(lines[0]));
        Assert.Equal(["b", "1", "1", "0", "0", "0"], Cells(lines[1]));
        Assert.Equal(["a", "3", "1", "1", "1", "0"], Cells(lines[2]));
        Assert.Equal(["c", "1", "1", "0", "0", "0"], Cells(lines[3]));
        Assert.Equal(["ghost", "1", "1", "0", "0", "0"], Cells(lines[4]));
        // Numbers are right-aligned under their header: every line ends in the same column.
        Assert.All(lines, line => Assert.Equal(lines[0].Length, line.Length));
    }

    [Fact]
    public async Task Queue_json_lines_carry_every_field_of_every_message_in_arrival_order()
    {
        await WriteData();

        var (code, lines, _) = await Dump("--queue", "a", "--json");

        Assert.Equal(0, code);
        Assert.Equal(3, lines.Length);
        Assert.Equal(
            $$$"""{"queue":"a","id":"{{{Reserved}}}","status":"Transit","tries":1,"max_tries":3,"priority":0,"dispatched_at":"{{{At(0)}}}","visible_at":"{{{At(0)}}}","obtained_at":"{{{At(1)}}}","body":"first","attributes":{}}""",
            lines[0]);
        Assert.Equal(
            $$$"""{"queue":"a","id":"{{{Odd}}}","status":"Available","tries":0,"max_tries":3,"priority":2,"dispatched_at":"{{{At(2)}}}","visible_at":"{{{At(2)}}}","obtained_at":null,"body":"héllo \"w\"\n<b>&\ttab","attributes":{"k":"v <é>"}}""",
            lines[1]);
        using var delayed = JsonDocument.Parse(lines[2]);
        Assert.Equal(At(3), delayed.RootElement.GetProperty("dispatched_at").GetString());
        Assert.Equal(At(3 + 7200), delayed.RootElement.GetProperty("visible_at").GetString());
        Assert.Equal(LongBody, delayed.RootElement.GetProperty("body").GetString());
    }

    [Fact]
    public async Task A_reservation_that_ran_out_shows_as_available_again()
    {
        await WriteData();

        var (code, lines, _) = await Dump("--queue", "c", "--json");

        Assert.Equal(0, code);
        using var message = JsonDocument.Parse(Assert.Single(lines));
        Assert.Equal(Expired.ToString(), message.RootElement.GetProperty("id").GetString());
        Assert.Equal("Available", message.RootElement.GetProperty("status").GetString());
        Assert.Equal(1, message.RootElement.GetProperty("tries").GetInt32());
        Assert.Equal(At(9), message.RootElement.GetProperty("obtained_at").GetString());
    }

    [Fact]
    public async Task Queue_table_shows_a_one_line_preview_of_each_body()
    {
        await WriteData();

        var (code, lines, _) = await Dump("--queue", "a");

        Assert.Equal(0, code);
        Assert.Equal(4, lines.Length);
        Assert.Equal(["ID", "STATUS", "TRIES", "DISPATCHED_AT", "VISIBLE_AT", "BODY"], Cells(lines[0]));
        Assert.Equal([Reserved.ToString(), "Transit", "1/3", At(0), At(0), "first"], Cells(lines[1]));
        Assert.StartsWith($"{Odd}  Available  0/3    {At(2)}  {At(2)}  ", lines[2], StringComparison.Ordinal);
        Assert.EndsWith("  héllo \"w\"\\n<b>&\\ttab", lines[2], StringComparison.Ordinal);
        Assert.EndsWith("  " + LongBody[..39] + "…", lines[3], StringComparison.Ordinal);
        Assert.Contains($"  {At(3 + 7200)}  ", lines[3], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Events_json_lines_start_at_from_and_keep_the_first_limit()
    {
        await WriteData();

        var (code, lines, _) = await Dump("--events", "--from", "5", "--limit", "3", "--json");

        Assert.Equal(0, code);
        Assert.Equal(
        [
            $$"""{"seq":5,"at":"{{At(4)}}","queue":"b","kind":"MessagePushed","id":"{{IdOf(5)}}"}""",
            $$"""{"seq":6,"at":"{{At(5)}}","queue":"b","kind":"QueueCleared","id":null}""",
            $$"""{"seq":7,"at":"{{At(6)}}","queue":"b","kind":"MessagePushed","id":"{{IdOf(7)}}"}""",
        ], lines);
    }

    [Fact]
    public async Task Events_without_from_or_limit_list_the_whole_log()
    {
        var count = await WriteData();

        var (code, lines, _) = await Dump("--events", "--json");

        Assert.Equal(0, code);
        Assert.Equal(count, lines.Length);
        var kinds = lines.Select(line => JsonDocument.Parse(line).RootElement.GetProperty("kind").GetString()).ToArray();
        Assert.Equal(["MessagePushed", "MessageReserved", "MessagePushed", "MessagePushed", "MessagePushed",
            "QueueCleared", "MessagePushed", "MessagePushed", "MessagePushed", "MessageReserved"], kinds);
        Assert.Equal(Enumerable.Range(1, count).Select(i => (long)i),
            lines.Select(line => JsonDocument.Parse(line).RootElement.GetProperty("seq").GetInt64()));
    }

    [Fact]
    public async Task Events_table_has_a_header_and_one_row_per_event()
    {
        await WriteData();

        var (code, lines, _) = await Dump("--events", "--from", "2", "--limit", "5");

        Assert.Equal(0, code);
        Assert.Equal(6, lines.Length);
        Assert.Equal(["SEQ", "AT", "QUEUE", "KIND", "ID"], Cells(lines[0]));
        Assert.Equal(["2", At(1), "a", "MessageReserved", Reserved.ToString()], Cells(lines[1]));
        Assert.Equal(["6", At(5), "b", "QueueCleared", "-"], Cells(lines[5]));
    }

    [Fact]
    public async Task Events_from_past_the_end_print_nothing()
    {
        await WriteData();

        var (code, lines, _) = await Dump("--events", "--from", "1000", "--json");

        Assert.Equal(0, code);
        Assert.Empty(lines);
    }

    [Fact]
    public async Task A_snapshot_mode_folder_shows_the_last_snapshot()
    {
        var set = new QueueSet([QueueDefinition.WithDefaults("a"), QueueDefinition.WithDefaults("b")]);
        var scratch = new List<QueueEvent>();
        set.Push("a", new PushRequest(Guid.NewGuid(), "one", null, null, null, null, null, null), T0, scratch);
        set.Push("a", new PushRequest(Guid.NewGuid(), "two", null, null, null, null, null, null), T0, scratch);
        using (var store = RocksStore.OpenReadWrite(Data, syncEvents: true))
            store.Snapshots.Write(set.Capture(scratch.Count) with { TakenAt = T0 + Duration.FromMinutes(5) });
        var config = WriteConfig("queues = [\"a\", \"b\"]\n" + $"[persistence]\nmode = \"snapshot\"\npath = '{Data}'\n");

        var (code, lines, error) = await Run(["--config", config, "dump", "--json"]);

        Assert.Equal(0, code);
        var taken = (T0 + Duration.FromMinutes(5)).ToDateTimeOffset().ToString("yyyy-MM-ddTHH:mm:ss.fff", CultureInfo.InvariantCulture);
        Assert.Contains($"this shows the snapshot taken at {taken}+00:00 (sequence 2)", error, StringComparison.Ordinal);
        Assert.Equal(
        [
            """{"queue":"a","size":2,"available":2,"delayed":0,"in_flight":0,"exhausted":0}""",
            """{"queue":"b","size":0,"available":0,"delayed":0,"in_flight":0,"exhausted":0}""",
        ], lines);
    }

    [Fact]
    public async Task Works_beside_a_server_holding_the_folder_and_sees_its_committed_events()
    {
        var count = await WriteData();
        using var server = RocksStore.OpenReadWrite(Data, syncEvents: true);
        var set = new QueueSet([QueueDefinition.WithDefaults("b")]);
        var added = new List<QueueEvent>();
        set.Push("b", new PushRequest(Guid.NewGuid(), "late", null, null, null, null, null, null), T0, added);
        server.EventLog.Append([new SequencedEvent(count + 1, added[0])]);

        var (code, lines, error) = await Dump("--json");

        Assert.True(code == 0, error);
        Assert.Equal("""{"queue":"b","size":2,"available":2,"delayed":0,"in_flight":0,"exhausted":0}""", lines[0]);
        var (eventsCode, events, _) = await Dump("--events", "--from", $"{count + 1}", "--json");
        Assert.Equal(0, eventsCode);
        Assert.Contains("\"kind\":\"MessagePushed\"", Assert.Single(events), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Nothing_in_the_folder_changes()
    {
        await WriteData();
        var before = Listing(Data);

        foreach (string[] args in (string[][])[[], ["--json"], ["--queue", "a"], ["--queue", "a", "--json"], ["--events"],
                     ["--events", "--json", "--from", "3", "--limit", "2"]])
            Assert.Equal(0, (await Dump(args)).Code);

        Assert.Equal(before, Listing(Data));
    }

    [Fact]
    public async Task A_config_without_persistence_is_a_usage_error()
    {
        var config = WriteConfig(Declared);

        var (code, lines, error) = await Run(["--config", config, "dump"]);

        Assert.Equal(2, code);
        Assert.Empty(lines);
        Assert.Contains("in memory", error, StringComparison.Ordinal);
        Assert.Contains("nothing to dump", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_queue_is_a_usage_error()
    {
        await WriteData();

        var (code, lines, error) = await Dump("--queue", "nope", "--json");

        Assert.Equal(2, code);
        Assert.Empty(lines);
        Assert.Contains("\"nope\"", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--from", "1")]
    [InlineData("--limit", "1")]
    [InlineData("--queue", "a", "--events")]
    [InlineData("--events", "--limit", "0")]
    [InlineData("--events", "--from", "-1")]
    [InlineData("--events", "--limit", "many")]
    public async Task Meaningless_flag_combinations_are_usage_errors(params string[] args)
    {
        await WriteData();

        var (code, lines, error) = await Dump(args);

        Assert.Equal(2, code);
        Assert.Empty(lines);
        Assert.NotEmpty(error);
    }

    [Fact]
    public async Task A_missing_data_folder_is_a_failure_naming_it()
    {
        var (code, lines, error) = await Dump();

        Assert.Equal(1, code);
        Assert.Empty(lines);
        Assert.Contains(Data, error, StringComparison.Ordinal);
        Assert.Contains("does not exist", error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Data));
    }

    [Fact]
    public async Task A_folder_without_spartan_data_is_a_failure_naming_it()
    {
        Directory.CreateDirectory(Data);

        var (code, lines, error) = await Dump();

        Assert.Equal(1, code);
        Assert.Empty(lines);
        Assert.Contains(Data, error, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFileSystemEntries(Data));
    }

    /// <summary>Writes the data folder and returns how many events it holds.</summary>
    /// <remarks>
    /// a (max 3 tries, 2 h timeout): Reserved pushed at T0 and reserved at T0+1; Odd pushed at T0+2 with priority 2
    /// and an attribute; Delayed pushed at T0+3 with a 2 h delay. b: one message pushed at T0+4, cleared at T0+5,
    /// another pushed at T0+6. ghost (not declared): one message at T0+7. c: Expired pushed at T0+8 and reserved
    /// at T0+9 for one second.
    /// </remarks>
    private async Task<int> WriteData()
    {
        var set = new QueueSet([
            new QueueDefinition("a", null, 3, 7200, null), QueueDefinition.WithDefaults("b"),
            QueueDefinition.WithDefaults("c"), QueueDefinition.WithDefaults("ghost"),
        ]);
        set.Push("a", new PushRequest(Reserved, "first", null, null, null, null, null, null), At0(0), _events);
        set.Pop("a", new Receipt(Guid.NewGuid()), At0(1), _events);
        set.Push("a", new PushRequest(Odd, OddBody, 3600, 2, new Dictionary<string, string> { ["k"] = "v <é>" }, null,
            null, null), At0(2), _events);
        set.Push("a", new PushRequest(Delayed, LongBody, null, null, null, null, null, 7200), At0(3), _events);
        set.Push("b", new PushRequest(Guid.NewGuid(), "gone", null, null, null, null, null, null), At0(4), _events);
        set.Clear("b", At0(5), _events);
        set.Push("b", new PushRequest(Guid.NewGuid(), "kept", null, null, null, null, null, null), At0(6), _events);
        set.Push("ghost", new PushRequest(Guid.NewGuid(), "boo", null, null, null, null, null, null), At0(7), _events);
        set.Push("c", new PushRequest(Expired, "late", null, null, null, 2, 1, null), At0(8), _events);
        set.Pop("c", new Receipt(Guid.NewGuid()), At0(9), _events);

        using var store = RocksStore.OpenReadWrite(Data, syncEvents: true);
        var batch = _events.Select((e, i) => new SequencedEvent(i + 1, e)).ToArray();
        store.EventLog.Append(batch);
        return batch.Length;
    }

    private Guid IdOf(long sequence) => ((MessageEvent)_events[(int)sequence - 1]).MessageId;

    private static Instant At0(int seconds) => T0 + Duration.FromSeconds(seconds);

    private static string At(int seconds) =>
        At0(seconds).ToDateTimeUtc().ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    private string WriteConfig(string toml)
    {
        var path = Path.Combine(_root, $"Spartan-{Guid.NewGuid():N}.toml");
        File.WriteAllText(path, toml);
        return path;
    }

    private Task<(int Code, string[] Lines, string Error)> Dump(params string[] args) =>
        Run(["--config", Config, "dump", .. args]);

    private static async Task<(int Code, string[] Lines, string Error)> Run(string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await SpartanCli.RunAsync(args, output, error);
        var text = output.ToString();
        Assert.True(text.Length == 0 || text.EndsWith('\n'), "stdout ends with a newline");
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        return (code, lines, error.ToString());
    }

    private static string[] Cells(string line) => line.Split("  ", StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>Every file of the folder with its size; RocksDB's info logs included, since a secondary keeps its
    /// own elsewhere.</summary>
    private static string[] Listing(string folder) =>
    [
        .. new DirectoryInfo(folder).EnumerateFiles("*", SearchOption.AllDirectories)
            .Select(file => $"{Path.GetRelativePath(folder, file.FullName)}:{file.Length}")
            .Order(StringComparer.Ordinal),
    ];
}
