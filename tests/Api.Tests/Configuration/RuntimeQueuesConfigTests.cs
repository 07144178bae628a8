using Spartan.Api.Configuration;
using Xunit;
using static Spartan.Api.Tests.Configuration.ConfigAssert;

namespace Spartan.Api.Tests.Configuration;

/// <summary><c>allow_runtime_queues</c> and <c>max_queues</c> (SPEC §10), validated like every key.</summary>
public sealed class RuntimeQueuesConfigTests
{
    [Fact]
    public void Runtime_queues_are_allowed_and_capped_at_ten_thousand_by_default()
    {
        SpartanConfig config = Parse("queues = [\"a\"]\n");

        Assert.True(config.AllowRuntimeQueues);
        Assert.Equal(10_000, config.MaxQueues);
    }

    [Fact]
    public void With_runtime_queues_the_declared_list_may_be_empty()
    {
        Assert.Empty(Parse("queues = []\n").Queues);
        Assert.Empty(Parse("queues = []\nallow_runtime_queues = true\nmax_queues = 5\n").Queues);
    }

    [Fact]
    public void Both_keys_are_read()
    {
        SpartanConfig config = Parse("queues = [\"a\", \"b\"]\nallow_runtime_queues = false\nmax_queues = 2\n");

        Assert.Equal((false, 2), (config.AllowRuntimeQueues, config.MaxQueues));
    }

    [Theory]
    [InlineData("queues = []\nallow_runtime_queues = false\n", "queues", "at least one")]
    [InlineData("queues = [\"a\"]\nallow_runtime_queues = \"yes\"\n", "allow_runtime_queues", "true or false")]
    [InlineData("queues = [\"a\"]\nmax_queues = 0\n", "max_queues", "positive integer")]
    [InlineData("queues = [\"a\"]\nmax_queues = 2000000\n", "max_queues", "at most 1000000")]
    [InlineData("queues = [\"a\", \"b\", \"c\"]\nmax_queues = 2\n", "max_queues", "below the 3 queues declared")]
    [InlineData("queues = [\"a\"]\nmax_queues = \"10\"\n", "max_queues", "positive integer")]
    public void Invalid_values_are_refused_with_their_path(string toml, string keyPath, string fragment) => Fails(toml, keyPath, fragment);
}
