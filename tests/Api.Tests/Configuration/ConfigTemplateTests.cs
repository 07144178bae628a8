using System.Text.RegularExpressions;
using System.Text;
using Spartan.Api.Configuration;
using Xunit;
using static Spartan.Api.Tests.Configuration.ConfigAssert;

namespace Spartan.Api.Tests.Configuration;

/// <summary>The <c>spartan init</c> template and the shipped <c>Spartan.toml</c>.</summary>
public sealed partial class ConfigTemplateTests
{
    [Fact]
    public void Default_queues_are_default_and_its_dead_letter_queue() =>
        Assert.Equal(["default", "default-dead"], ConfigTemplate.DefaultQueues);

    [Fact]
    public void Default_template_parses_to_the_defaults_with_a_dead_letter_queue()
    {
        SpartanConfig config = Parse(ConfigTemplate.Render(ConfigTemplate.DefaultQueues));

        Assert.Equal(["default", "default-dead"], config.Queues);
        Assert.Equal(32768, config.BodySize);
        Assert.Equal(300, config.GcTimerSeconds);
        Assert.Null(config.Persistence);
        Assert.Equal(new QueueSettingsConfig("default-dead", null, null, null), Assert.Single(config.QueueSettings, kv => kv.Key == "default").Value);
        Assert.Empty(config.AccessKeys);
        Assert.Null(config.Replication);
    }

    [Theory]
    [InlineData("orders")]
    [InlineData("orders,emails,emails-dead")]
    [InlineData("default")]
    [InlineData("default-dead,default")]
    public void Custom_template_parses_without_queue_settings(string queues)
    {
        string[] names = queues.Split(',');
        string text = ConfigTemplate.Render(names);

        SpartanConfig config = Parse(text);

        Assert.Equal(names, config.Queues);
        Assert.Empty(config.QueueSettings);
        Assert.Null(config.Persistence);
        Assert.Empty(config.AccessKeys);
        Assert.Null(config.Replication);
        Assert.DoesNotContain("\n[", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Template_uses_lf_line_endings_and_explains_memory_only_mode()
    {
        string text = ConfigTemplate.Render(ConfigTemplate.DefaultQueues);

        Assert.DoesNotContain('\r', text);
        Assert.EndsWith("\n", text, StringComparison.Ordinal);
        Assert.Contains("# [persistence]\n", text, StringComparison.Ordinal);
        Assert.Contains("in memory only", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Default_template_with_every_example_uncommented_is_valid()
    {
        SpartanConfig config = Parse(Uncomment(ConfigTemplate.Render(ConfigTemplate.DefaultQueues)));

        Assert.Equal(new QueueSettingsConfig("default-dead", 1, 30, 0), config.QueueSettings["default"]);
        Assert.Equal(new PersistenceConfig(PersistenceMode.Snapshot, Path.Combine(FakeFolder, "db"), 900, true, FsyncPolicy.Always, Path.Combine(FakeFolder, "backups")), config.Persistence);
        Assert.Equal(2, config.AccessKeys.Count);
        Assert.Equal(["*"], config.AccessKeys[0].Queues);
        Assert.Equal(["default"], config.AccessKeys[1].Queues);
        ReplicationConfig replication = config.Replication!;
        Assert.Equal(ReplicationMode.Primary, replication.Mode);
        Assert.Equal(["127.0.0.1:12345"], replication.Primary!.Destinations);
        Assert.Equal((180, 10), (replication.Primary.ReplicationTimerSeconds, replication.Primary.TryTimerSeconds));
        Assert.Equal(new ReplicaConfig("127.0.0.1:12345", 5), replication.Replica);
        Assert.Equal(new ReplicationTlsConfig(Path.Combine(FakeFolder, "node.pem"), Path.Combine(FakeFolder, "node-key.pem"),
            Path.Combine(FakeFolder, "ca.pem")), replication.Tls);
        Assert.Equal(new TlsConfig(Path.Combine(FakeFolder, "server.pem"), Path.Combine(FakeFolder, "server-key.pem"),
            Path.Combine(FakeFolder, "ca.pem")), config.Tls);
    }

    [Fact]
    public void Custom_template_with_every_example_uncommented_is_valid()
    {
        SpartanConfig config = Parse(Uncomment(ConfigTemplate.Render(["orders", "emails"])));

        Assert.Equal(new QueueSettingsConfig(null, 1, 30, 0), Assert.Single(config.QueueSettings, kv => kv.Key == "orders").Value);
        Assert.Equal(["orders"], config.AccessKeys[1].Queues);
        Assert.NotNull(config.Persistence);
        Assert.NotNull(config.Replication);
    }

    [Theory]
    [InlineData("")]
    [InlineData("a,a")]
    [InlineData("a,_b")]
    [InlineData("a b")]
    public void Render_refuses_a_queue_list_the_loader_would_refuse(string queues)
    {
        string[] names = queues.Length == 0 ? [] : queues.Split(',');

        var error = Assert.Throws<ConfigException>(() => ConfigTemplate.Render(names));

        Assert.StartsWith("queues: ", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Shipped_config_is_the_default_template()
    {
        string shipped = Path.Combine(RepositoryRoot(), "Spartan.toml");
        byte[] expected = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false).GetBytes(ConfigTemplate.Render(ConfigTemplate.DefaultQueues));

        Assert.Equal(expected, File.ReadAllBytes(shipped));
        Assert.Equal(shipped, ConfigLoader.Load(shipped).SourcePath);
    }

    /// <summary>Turns every commented-out TOML line (<c># key = …</c>, <c># [table]</c>) back into TOML.</summary>
    private static string Uncomment(string template) => CommentedTomlLine().Replace(template, "$1");

    private static string RepositoryRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "Spartan.sln")))
            {
                return folder.FullName;
            }
        }

        throw new InvalidOperationException($"no folder above {AppContext.BaseDirectory} holds Spartan.sln");
    }

    [GeneratedRegex(@"^# (\[.*|[a-z_]+ = .*)$", RegexOptions.Multiline | RegexOptions.CultureInvariant)]
    private static partial Regex CommentedTomlLine();
}
