using Spartan.Api.Configuration;
using Xunit;
using static Spartan.Api.Tests.Configuration.ConfigAssert;

namespace Spartan.Api.Tests.Configuration;

/// <summary>The <c>[persistence]</c> table.</summary>
public sealed class PersistenceConfigTests
{
    private const string Queues = "queues = [\"a\"]\n";

    [Fact]
    public void Empty_table_gets_every_default()
    {
        PersistenceConfig persistence = Parse(Queues + "[persistence]\n").Persistence!;

        Assert.Equal(new PersistenceConfig(PersistenceMode.Snapshot, Path.Combine(FakeFolder, "db"), 900, true, FsyncPolicy.Always, Path.Combine(FakeFolder, "backups")), persistence);
    }

    [Fact]
    public void Every_key_is_read()
    {
        const string Toml = Queues + "[persistence]\nmode = \"log\"\npath = \"store\"\ntimer = 60\ncompaction = false\nfsync = \"never\"\n";

        Assert.Equal(new PersistenceConfig(PersistenceMode.Log, Path.Combine(FakeFolder, "store"), 60, false, FsyncPolicy.Never, Path.Combine(FakeFolder, "backups")), Parse(Toml).Persistence);
    }

    [Fact]
    public void Backup_path_defaults_beside_the_data_folder_and_is_resolved()
    {
        Assert.Equal("/srv/backups", Parse(Queues + "[persistence]\npath = \"/srv/spartan-db\"\n").Persistence!.BackupPath);
        Assert.Equal(Path.Combine(FakeFolder, "snapshots", "kept"),
            Parse(Queues + "[persistence]\nbackup_path = \"snapshots/kept\"\n").Persistence!.BackupPath);
        Fails(Queues + "[persistence]\nbackup_path = 3\n", "persistence.backup_path", "expected a string");
    }

    [Theory]
    [InlineData("./db", "db")]
    [InlineData("./db/", "db")]
    [InlineData("data/../other", "other")]
    [InlineData(".", "")]
    public void Relative_path_is_resolved_against_the_config_folder(string path, string expected)
    {
        string resolved = Parse(Queues + $"[persistence]\npath = \"{path}\"\n").Persistence!.Path;

        Assert.Equal(Path.TrimEndingDirectorySeparator(Path.Combine(FakeFolder, expected)), resolved);
    }

    [Fact]
    public void Parent_relative_path_leaves_the_config_folder()
    {
        string resolved = Parse(Queues + "[persistence]\npath = \"../shared/db\"\n").Persistence!.Path;

        Assert.Equal(Path.Combine(Path.GetDirectoryName(FakeFolder)!, "shared", "db"), resolved);
    }

    [Fact]
    public void Absolute_path_is_kept()
    {
        string absolute = Path.Combine(Path.GetTempPath(), "elsewhere", "db");
        string toml = Queues + $"[persistence]\npath = '{absolute}'\n";

        Assert.Equal(absolute, Parse(toml).Persistence!.Path);
    }

    [Theory]
    [InlineData("persistence = 1\n", "persistence", "expected a table")]
    [InlineData("[persistence]\nmode = \"disk\"\n", "persistence.mode", "expected \"snapshot\" or \"log\", got \"disk\"")]
    [InlineData("[persistence]\nmode = \"Snapshot\"\n", "persistence.mode", "expected \"snapshot\" or \"log\"")]
    [InlineData("[persistence]\nmode = 1\n", "persistence.mode", "got 1")]
    [InlineData("[persistence]\npath = \"\"\n", "persistence.path", "non-empty")]
    [InlineData("[persistence]\npath = 5\n", "persistence.path", "expected a string")]
    [InlineData("[persistence]\ntimer = 0\n", "persistence.timer", "positive integer")]
    [InlineData("[persistence]\ntimer = \"900\"\n", "persistence.timer", "positive integer")]
    [InlineData("[persistence]\ncompaction = \"yes\"\n", "persistence.compaction", "expected true or false")]
    [InlineData("[persistence]\nfsync = \"sometimes\"\n", "persistence.fsync", "expected \"always\" or \"never\"")]
    [InlineData("[persistence]\nfsync = true\n", "persistence.fsync", "got true")]
    public void Invalid_values_are_refused_with_their_path(string toml, string keyPath, string fragment) =>
        Fails(Queues + toml, keyPath, fragment);
}
