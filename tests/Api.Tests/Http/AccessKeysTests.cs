using Spartan.Api.Configuration;
using Spartan.Api.Http;

namespace Spartan.Api.Tests.Http;

/// <summary>The header grammar of SPEC §3.4 on raw header values (HTTP clients normalise some of them).</summary>
public sealed class AccessKeysTests
{
    private readonly AccessKeys _keys = new([new AccessKeyConfig("k1", ["a"]), new AccessKeyConfig("star", ["*"])]);

    [Theory]
    [InlineData(null, AccessResult.NoHeader)]
    [InlineData("", AccessResult.NoHeader)]
    [InlineData("Bearer  k1", AccessResult.IncorrectHeader)]
    [InlineData("Bearer\tk1", AccessResult.IncorrectHeader)]
    [InlineData("Bearer", AccessResult.IncorrectHeader)]
    [InlineData("Token k1", AccessResult.IncorrectHeader)]
    [InlineData("bEaReR k1", AccessResult.Granted)]
    [InlineData("Bearer k1 ", AccessResult.Denied)]
    [InlineData("Bearer K1", AccessResult.Denied)]
    [InlineData("Bearer star", AccessResult.Granted)]
    public void Headers_are_judged_exactly(string? header, AccessResult expected) =>
        Assert.Equal(expected, _keys.Check(header, "a"));

    [Fact]
    public void A_key_covers_only_its_queues_and_a_wildcard_covers_all()
    {
        Assert.Equal(AccessResult.Denied, _keys.Check("Bearer k1", "b"));
        Assert.Equal(AccessResult.Granted, _keys.Check("Bearer star", "b"));
        Assert.Equal(AccessResult.Denied, _keys.CheckWildcard("Bearer k1"));
        Assert.Equal(AccessResult.Granted, _keys.CheckWildcard("Bearer star"));
    }

    [Fact]
    public void Without_keys_everything_is_open()
    {
        var open = new AccessKeys([]);
        Assert.False(open.Required);
        Assert.Equal(AccessResult.Granted, open.Check(null, "a"));
    }
}
