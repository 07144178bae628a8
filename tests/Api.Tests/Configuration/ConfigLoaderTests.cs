using Spartan.Api.Configuration;
using Xunit;
using static Spartan.Api.Tests.Configuration.ConfigAssert;

namespace Spartan.Api.Tests.Configuration;

/// <summary>Loading, TOML errors, unknown keys, queues and the top-level scalars (SPEC §4).</summary>
public sealed class ConfigLoaderTests
{
    private const string Queues = "queues = [\"a\", \"b\", \"a-dead\"]\n";

    [Fact]
    public void Minimal_file_gets_every_default()
    {
        SpartanConfig config = Parse("queues = [\"default\"]\n");

        Assert.Equal(FakePath, config.SourcePath);
        Assert.Equal(["default"], config.Queues);
        Assert.Equal(32768, config.BodySize);
        Assert.Equal(300, config.GcTimerSeconds);
        Assert.Null(config.Persistence);
        Assert.Empty(config.QueueSettings);
        Assert.Empty(config.AccessKeys);
        Assert.Null(config.Replication);
    }

    [Fact]
    public void Spec_sample_is_accepted()
    {
        const string Sample = """
            queues = ["default", "emails", "emails-dead"]   # required
            body_size = 32768
            gc_timer = 300

            [persistence]
            mode = "snapshot"
            path = "./db"
            timer = 900
            compaction = true
            fsync = "always"

            [queue_settings.emails]
            dead_letter = "emails-dead"
            max_tries = 5
            timeout = 60
            delay = 0

            [[access_keys]]
            key = "IHaveAccessToAllQueues"
            queues = ["*"]

            [replication]
            mode = "primary"
            secret = "shared"
            [replication.primary]
            destination = ["127.0.0.1:12345"]
            replication_timer = 180
            try_timer = 10
            [replication.replica]
            host = "127.0.0.1:12345"
            try_timer = 5
            """;

        SpartanConfig config = Parse(Sample);

        Assert.Equal(["default", "emails", "emails-dead"], config.Queues);
        Assert.Equal(new PersistenceConfig(PersistenceMode.Snapshot, Path.Combine(FakeFolder, "db"), 900, true, FsyncPolicy.Always, Path.Combine(FakeFolder, "backups")), config.Persistence);
        Assert.Equal(new QueueSettingsConfig("emails-dead", 5, 60, 0), Assert.Single(config.QueueSettings, kv => kv.Key == "emails").Value);
        AccessKeyConfig key = Assert.Single(config.AccessKeys);
        Assert.Equal("IHaveAccessToAllQueues", key.Key);
        Assert.Equal(["*"], key.Queues);
        ReplicationConfig replication = config.Replication!;
        Assert.Equal(ReplicationMode.Primary, replication.Mode);
        Assert.Equal("shared", replication.Secret);
        Assert.Equal(["127.0.0.1:12345"], replication.Primary!.Destinations);
        Assert.Equal((180, 10), (replication.Primary.ReplicationTimerSeconds, replication.Primary.TryTimerSeconds));
        Assert.Equal(new ReplicaConfig("127.0.0.1:12345", 5), replication.Replica);
    }

    [Fact]
    public void Load_reads_the_file_and_resolves_persistence_path_against_its_folder()
    {
        using var folder = new TempFolder();
        string file = folder.Write("Spartan.toml", Queues + "[persistence]\nmode = \"log\"\npath = \"data/store\"\n");

        SpartanConfig config = ConfigLoader.Load(file);

        Assert.Equal(file, config.SourcePath);
        Assert.Equal(Path.Combine(folder.Path, "data", "store"), config.Persistence!.Path);
        Assert.Equal(PersistenceMode.Log, config.Persistence.Mode);
    }

    [Fact]
    public void Load_makes_a_relative_file_path_absolute()
    {
        using var folder = new TempFolder();
        string file = folder.Write("Spartan.toml", Queues);
        string relative = Path.GetRelativePath(Environment.CurrentDirectory, file);

        Assert.Equal(file, ConfigLoader.Load(relative).SourcePath);
    }

    [Fact]
    public void Load_of_a_missing_file_names_it_and_suggests_init()
    {
        using var folder = new TempFolder();
        string missing = Path.Combine(folder.Path, "Nope.toml");

        var error = Assert.Throws<ConfigException>(() => ConfigLoader.Load(missing));

        Assert.StartsWith(missing + ": ", error.Message, StringComparison.Ordinal);
        Assert.Contains("spartan init", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_of_a_folder_is_refused()
    {
        using var folder = new TempFolder();

        var error = Assert.Throws<ConfigException>(() => ConfigLoader.Load(folder.Path));

        Assert.StartsWith(folder.Path + ": ", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_of_an_empty_path_is_a_config_error() =>
        Assert.Throws<ConfigException>(() => ConfigLoader.Load(string.Empty));

    [Fact]
    public void Load_skips_a_utf8_byte_order_mark()
    {
        using var folder = new TempFolder();
        string file = Path.Combine(folder.Path, "Spartan.toml");
        File.WriteAllText(file, Queues, new System.Text.UTF8Encoding(encoderShouldEmitUTF8Identifier: true));

        Assert.Equal(["a", "b", "a-dead"], ConfigLoader.Load(file).Queues);
    }

    [Fact]
    public void Empty_file_lacks_queues() => Fails(string.Empty, "queues", "is required");

    [Fact]
    public void Too_deep_nesting_is_a_toml_error()
    {
        string toml = Queues + "x = " + new string('[', 500) + new string(']', 500) + "\n";

        var error = Assert.Throws<ConfigException>(() => Parse(toml));

        Assert.StartsWith($"{FakePath}: ", error.Message, StringComparison.Ordinal);
        Assert.Contains("invalid TOML", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("queues = [\"a\"]\nbody_size = \n", 2, 13)]
    [InlineData("queues = [\"a\",\n", 2, 1)]
    [InlineData("queues = [\"a\"]\n\ngc_timer = 300 300\n", 3, 16)]
    [InlineData("queues = [\"a\"]\nqueues = [\"b\"]\n", 2, 1)]
    [InlineData("queues = [\"a\"]\n[persistence]\n[persistence]\n", 3, 1)]
    public void Toml_errors_name_file_line_and_column(string toml, int line, int column)
    {
        var error = Assert.Throws<ConfigException>(() => Parse(toml));

        Assert.StartsWith($"{FakePath}: line {line}, column {column}: invalid TOML: ", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("colour = 1\n", "colour")]
    [InlineData("\"a b\" = 1\n", "\"a b\"")]
    [InlineData("[persistence]\nfolder = \"x\"\n", "persistence.folder")]
    [InlineData("[queue_settings.a]\nretries = 1\n", "queue_settings.a.retries")]
    [InlineData("[[access_keys]]\nkey = \"k\"\nqueues = [\"*\"]\n[[access_keys]]\nkey = \"j\"\nqueues = [\"a\"]\nname = \"x\"\n", "access_keys[1].name")]
    [InlineData("[replication]\nmode = \"replica\"\nport = 1\n[replication.replica]\nhost = \"h:1\"\n", "replication.port")]
    [InlineData("[replication]\nmode = \"primary\"\n[replication.primary]\ndestination = [\"h:1\"]\ntimer = 1\n", "replication.primary.timer")]
    [InlineData("[replication]\nmode = \"replica\"\n[replication.replica]\nhost = \"h:1\"\nsecret = \"s\"\n", "replication.replica.secret")]
    public void Unknown_keys_are_refused_with_their_path(string toml, string keyPath) =>
        Fails(Queues + toml, keyPath, "unknown key");

    [Fact]
    public void Queues_are_required() => Fails("body_size = 10\n", "queues", "is required");

    [Theory]
    [InlineData("queues = \"a\"\n", "queues", "got \"a\"")]
    [InlineData("[queues]\na = 1\n", "queues", "got a table")]
    [InlineData("queues = [\"a\", 1]\n", "queues[1]", "expected a string, got 1")]
    [InlineData("queues = [\"a\", \"b\", \"a\"]\n", "queues[2]", "queue \"a\" is declared twice")]
    public void Queues_must_be_a_non_empty_list_of_unique_strings(string toml, string keyPath, string fragment) =>
        Fails(toml, keyPath, fragment);

    [Theory]
    [InlineData("_a")]
    [InlineData("-a")]
    [InlineData("")]
    [InlineData("a.b")]
    [InlineData("a b")]
    [InlineData("caf\u00e9")]
    [InlineData("a/b")]
    public void Invalid_queue_names_are_refused(string name) =>
        Fails($"queues = [\"ok\", \"{name}\"]\n", "queues[1]", "invalid queue name");

    [Fact]
    public void Queue_names_are_limited_to_80_characters()
    {
        string longest = "A" + new string('z', 79);
        Assert.Equal([longest, "0_-x"], Parse($"queues = [\"{longest}\", \"0_-x\"]\n").Queues);
        Fails($"queues = [\"{longest}z\"]\n", "queues[0]", "invalid queue name");
    }

    [Fact]
    public void Body_size_message_has_the_documented_shape()
    {
        var error = Assert.Throws<ConfigException>(() => Parse(Queues + "body_size = \"abc\"\n"));

        Assert.Equal($"{FakePath}: body_size: expected a positive integer, got \"abc\"", error.Message);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-1")]
    [InlineData("1.5")]
    [InlineData("true")]
    [InlineData("[1]")]
    [InlineData("67108865")]
    [InlineData("9223372036854775807")]
    public void Body_size_must_be_a_positive_integer_up_to_64_MiB(string value) =>
        Fails(Queues + $"body_size = {value}\n", "body_size", "expected a positive integer");

    [Theory]
    [InlineData(1)]
    [InlineData(67108864)]
    public void Body_size_accepts_its_range(int value) =>
        Assert.Equal(value, Parse(Queues + $"body_size = {value}\n").BodySize);

    [Theory]
    [InlineData("0")]
    [InlineData("\"300\"")]
    [InlineData("604801")]
    public void Gc_timer_must_be_a_positive_integer(string value) =>
        Fails(Queues + $"gc_timer = {value}\n", "gc_timer", "expected a positive integer");

    [Fact]
    public void Gc_timer_is_read() => Assert.Equal(1, Parse(Queues + "gc_timer = 1\n").GcTimerSeconds);
}
