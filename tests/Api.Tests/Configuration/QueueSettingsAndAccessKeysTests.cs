using Spartan.Api.Configuration;
using Xunit;
using static Spartan.Api.Tests.Configuration.ConfigAssert;

namespace Spartan.Api.Tests.Configuration;

/// <summary>The <c>[queue_settings.NAME]</c> tables and the <c>[[access_keys]]</c> entries.</summary>
public sealed class QueueSettingsAndAccessKeysTests
{
    private const string Queues = "queues = [\"emails\", \"emails-dead\", \"orders\"]\n";

    [Fact]
    public void Queue_settings_are_keyed_by_queue_name()
    {
        const string Toml = Queues + """
            [queue_settings.emails]
            dead_letter = "emails-dead"
            max_tries = 5
            [queue_settings.orders]
            timeout = 4294967295
            delay = 0
            """;

        IReadOnlyDictionary<string, QueueSettingsConfig> settings = Parse(Toml).QueueSettings;

        Assert.Equal(2, settings.Count);
        Assert.Equal(new QueueSettingsConfig("emails-dead", 5, null, null), settings["emails"]);
        Assert.Equal(new QueueSettingsConfig(null, null, uint.MaxValue, 0), settings["orders"]);
        Assert.False(settings.ContainsKey("Emails"));
    }

    [Fact]
    public void Empty_queue_settings_table_sets_nothing() =>
        Assert.Equal(new QueueSettingsConfig(null, null, null, null), Parse(Queues + "[queue_settings.orders]\n").QueueSettings["orders"]);

    [Fact]
    public void Undeclared_dead_letter_queue_message_has_the_documented_shape()
    {
        var error = Assert.Throws<ConfigException>(() => Parse(Queues + "[queue_settings.emails]\ndead_letter = \"nope\"\n"));

        Assert.Equal($"{FakePath}: queue_settings.emails.dead_letter: queue \"nope\" is not declared in queues", error.Message);
    }

    [Theory]
    [InlineData("[queue_settings.nope]\nmax_tries = 1\n", "queue_settings.nope", "queue \"nope\" is not declared in queues")]
    [InlineData("[queue_settings.emails]\ndead_letter = \"emails\"\n", "queue_settings.emails.dead_letter", "its own dead-letter queue")]
    [InlineData("[queue_settings.emails]\ndead_letter = \"\"\n", "queue_settings.emails.dead_letter", "non-empty")]
    [InlineData("[queue_settings.emails]\ndead_letter = [\"orders\"]\n", "queue_settings.emails.dead_letter", "expected a string")]
    [InlineData("[queue_settings.emails]\nmax_tries = -1\n", "queue_settings.emails.max_tries", "from 0 to 4294967295, got -1")]
    [InlineData("[queue_settings.emails]\nmax_tries = 4294967296\n", "queue_settings.emails.max_tries", "from 0 to 4294967295")]
    [InlineData("[queue_settings.emails]\ntimeout = \"60\"\n", "queue_settings.emails.timeout", "got \"60\"")]
    [InlineData("[queue_settings.emails]\ndelay = 1.5\n", "queue_settings.emails.delay", "from 0 to 4294967295")]
    [InlineData("queue_settings = 1\n", "queue_settings", "expected a table")]
    [InlineData("queue_settings = { orders = 3 }\n", "queue_settings.orders", "expected a table, got 3")]
    public void Invalid_queue_settings_are_refused_with_their_path(string toml, string keyPath, string fragment) =>
        Fails(Queues + toml, keyPath, fragment);

    [Fact]
    public void Access_keys_are_read_in_order()
    {
        const string Toml = Queues + """
            [[access_keys]]
            key = "IHaveAccessToAllQueues"
            queues = ["*"]
            [[access_keys]]
            key = "mail-only"
            queues = ["emails", "emails-dead"]
            """;

        IReadOnlyList<AccessKeyConfig> keys = Parse(Toml).AccessKeys;

        Assert.Equal(2, keys.Count);
        Assert.Equal("IHaveAccessToAllQueues", keys[0].Key);
        Assert.Equal(["*"], keys[0].Queues);
        Assert.Equal("mail-only", keys[1].Key);
        Assert.Equal(["emails", "emails-dead"], keys[1].Queues);
    }

    [Fact]
    public void Access_keys_may_be_written_as_an_inline_array() =>
        Assert.Equal("k", Assert.Single(Parse(Queues + "access_keys = [{ key = \"k\", queues = [\"orders\"] }]\n").AccessKeys).Key);

    [Fact]
    public void Empty_access_keys_array_means_anonymous_access() =>
        Assert.Empty(Parse(Queues + "access_keys = []\n").AccessKeys);

    [Theory]
    [InlineData("[[access_keys]]\nqueues = [\"*\"]\n", "access_keys[0].key", "is required")]
    [InlineData("[[access_keys]]\nkey = \"\"\nqueues = [\"*\"]\n", "access_keys[0].key", "non-empty")]
    [InlineData("[[access_keys]]\nkey = 5\nqueues = [\"*\"]\n", "access_keys[0].key", "expected a string")]
    [InlineData("[[access_keys]]\nkey = \"k\"\n", "access_keys[0].queues", "is required")]
    [InlineData("[[access_keys]]\nkey = \"k\"\nqueues = []\n", "access_keys[0].queues", "empty array")]
    [InlineData("[[access_keys]]\nkey = \"k\"\nqueues = \"*\"\n", "access_keys[0].queues", "got \"*\"")]
    [InlineData("[[access_keys]]\nkey = \"k\"\nqueues = [\"*\"]\n[[access_keys]]\nkey = \"j\"\nqueues = [\"orders\", \"nope\"]\n", "access_keys[1].queues[1]", "queue \"nope\" is not declared in queues")]
    [InlineData("[[access_keys]]\nkey = \"k\"\nqueues = [\"orders\", 1]\n", "access_keys[0].queues[1]", "expected a string")]
    [InlineData("[[access_keys]]\nkey = \"k\"\nqueues = [\"*\"]\n[[access_keys]]\nkey = \"k\"\nqueues = [\"orders\"]\n", "access_keys[1].key", "access_keys[0]")]
    [InlineData("[access_keys]\nkey = \"k\"\n", "access_keys", "expected an array of tables")]
    [InlineData("access_keys = [\"k\"]\n", "access_keys[0]", "expected a table")]
    public void Invalid_access_keys_are_refused_with_their_path(string toml, string keyPath, string fragment) =>
        Fails(Queues + toml, keyPath, fragment);

    [Theory]
    [InlineData("two words")]
    [InlineData(" padded")]
    [InlineData("tab\there")]
    [InlineData("caf\u00e9")]
    public void Access_keys_must_fit_a_bearer_header_and_are_never_echoed(string key)
    {
        ConfigException error = Fails(Queues + $"[[access_keys]]\nkey = \"{key}\"\nqueues = [\"*\"]\n", "access_keys[0].key");

        Assert.DoesNotContain(key, error.Message, StringComparison.Ordinal);
    }
}
