using System.Buffers.Binary;
using System.Net.Http.Json;
using System.Text.Json;
using RocksDbSharp;

namespace Spartan.EndToEnd.Tests;

/// <summary>SPEC §6: a data folder that is corrupt, of an unknown format version or locked is refused with exit code
/// 1 and a clear message; the node never starts empty over it. A queue dropped from the config keeps its data.</summary>
public sealed class StorageRefusalTests
{
    private const int SigTerm = 15;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task SeedAsync(TempFolder folder, int messages)
    {
        await using var server = SpartanProcess.Start(folder.Path, "start", "--host", "127.0.0.1:0");
        using var http = new HttpClient { BaseAddress = await server.ListeningAsync() };
        for (var i = 0; i < messages; i++)
            (await http.PostAsync("/q", new StringContent($$"""{"body":"m{{i}}"}"""), Ct)).EnsureSuccessStatusCode();
        server.Signal(SigTerm);
        Assert.Equal(0, await server.WaitForExitAsync());
    }

    /// <summary>Writes one raw value into a column family, as a disk fault or a foreign program would.</summary>
    private static void Tamper(string dataFolder, string family, byte[] key, byte[] value)
    {
        var options = new DbOptions().SetCreateIfMissing(false);
        var families = new ColumnFamilies();
        foreach (var name in RocksDb.ListColumnFamilies(options, dataFolder)) families.Add(name, new ColumnFamilyOptions());
        using var db = RocksDb.Open(options, dataFolder, families);
        db.Put(key, value, db.GetColumnFamily(family), new WriteOptions().SetSync(true));
    }

    private static byte[] Number(long value)
    {
        var bytes = new byte[8];
        BinaryPrimitives.WriteInt64BigEndian(bytes, value);
        return bytes;
    }

    [Fact]
    public async Task A_corrupt_event_stops_startup_with_exit_code_1()
    {
        using var folder = new TempFolder();
        File.WriteAllText(folder.File("Spartan.toml"), PersistenceTests.Config("log", "compaction = false"));
        await SeedAsync(folder, 3);
        Tamper(folder.File("db"), "events", Number(2), [0xC1, 0xFF, 0x00, 0x13]);

        var (code, run) = await SpartanProcess.RunAsync(folder.Path, "start", "--host", "127.0.0.1:0");
        Assert.Equal(1, code);
        Assert.Contains(folder.File("db"), run.Stderr);
        Assert.DoesNotContain("listening on", run.Stderr);
    }

    [Fact]
    public async Task An_unknown_format_version_stops_startup_with_exit_code_1()
    {
        using var folder = new TempFolder();
        File.WriteAllText(folder.File("Spartan.toml"), PersistenceTests.Config("log"));
        await SeedAsync(folder, 1);
        Tamper(folder.File("db"), "meta", "format-version"u8.ToArray(), Number(999));

        var (code, run) = await SpartanProcess.RunAsync(folder.Path, "start", "--host", "127.0.0.1:0");
        Assert.Equal(1, code);
        Assert.Contains("999", run.Stderr);
        Assert.DoesNotContain("listening on", run.Stderr);
    }

    [Fact]
    public async Task A_folder_locked_by_a_running_server_is_refused_with_exit_code_1()
    {
        using var folder = new TempFolder();
        File.WriteAllText(folder.File("Spartan.toml"), PersistenceTests.Config("snapshot"));
        await using var first = SpartanProcess.Start(folder.Path, "start", "--host", "127.0.0.1:0");
        await first.ListeningAsync();

        var (code, second) = await SpartanProcess.RunAsync(folder.Path, "start", "--host", "127.0.0.1:0");
        Assert.Equal(1, code);
        Assert.Contains("locked", second.Stderr);
        Assert.Contains(folder.File("db"), second.Stderr);
    }

    [Fact]
    public async Task A_queue_removed_from_the_config_stays_as_a_runtime_queue_with_its_messages_and_settings()
    {
        using var folder = new TempFolder();
        File.WriteAllText(folder.File("Spartan.toml"), PersistenceTests.Config("log"));
        await SeedAsync(folder, 4);

        File.WriteAllText(folder.File("Spartan.toml"), PersistenceTests.Config("log").Replace("queues = [\"q\"]", "queues = [\"other\"]")
            .Replace("[queue_settings.q]\nmax_tries = 5\ntimeout = 600\n", ""));
        await using (var without = SpartanProcess.Start(folder.Path, "start", "--host", "127.0.0.1:0"))
        {
            using var client = new HttpClient { BaseAddress = await without.ListeningAsync() };
            Assert.Contains("Restored 1 runtime queue(s)", without.Stderr);
            var q = await client.GetFromJsonAsync<JsonElement>("/_/queues/q", Ct);
            Assert.False(q.GetProperty("declared").GetBoolean());
            Assert.Equal(4, q.GetProperty("size").GetInt32());
            // The settings it had in the file were recorded when it was declared, so they outlive the file's entry.
            Assert.Equal(5, q.GetProperty("settings").GetProperty("max_tries").GetInt32());
            Assert.Equal(600, q.GetProperty("settings").GetProperty("timeout").GetInt32());
            without.Signal(SigTerm);
            Assert.Equal(0, await without.WaitForExitAsync());
        }

        File.WriteAllText(folder.File("Spartan.toml"), PersistenceTests.Config("log"));
        await using var back = SpartanProcess.Start(folder.Path, "start", "--host", "127.0.0.1:0");
        using var http = new HttpClient { BaseAddress = await back.ListeningAsync() };
        Assert.Equal(4, (await http.GetFromJsonAsync<JsonElement>("/q/size", Ct)).GetProperty("size").GetInt32());
        Assert.True((await http.GetFromJsonAsync<JsonElement>("/_/queues/q", Ct)).GetProperty("declared").GetBoolean());
    }
}
