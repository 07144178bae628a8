using Spartan.Api.Configuration;
using Xunit;
using static Spartan.Api.Tests.Configuration.ConfigAssert;

namespace Spartan.Api.Tests.Configuration;

/// <summary>The <c>[sqs]</c> table and the access keys' <c>id</c> (SPEC §11), validated like every key.</summary>
public sealed class SqsConfigTests
{
    [Fact]
    public void Without_a_table_the_endpoint_is_on_with_the_documented_defaults()
    {
        Assert.Equal(new SqsConfig(true, "", "000000000000", "us-east-1"), Parse("queues = [\"a\"]\n").Sqs);
    }

    [Fact]
    public void Every_key_is_read_and_a_trailing_slash_of_the_public_url_is_dropped()
    {
        var config = Parse("""
            queues = ["a"]
            [sqs]
            enabled = false
            public_url = "https://queue.example.com/"
            account_id = "123456789012"
            region = "eu-west-3"
            """);

        Assert.Equal(new SqsConfig(false, "https://queue.example.com", "123456789012", "eu-west-3"), config.Sqs);
    }

    [Theory]
    [InlineData("[sqs]\nport = 1\n", "sqs.port", "unknown key")]
    [InlineData("[sqs]\nenabled = 1\n", "sqs.enabled", "true or false")]
    [InlineData("[sqs]\npublic_url = \"queue.example.com\"\n", "sqs.public_url", "absolute http")]
    [InlineData("[sqs]\npublic_url = \"ftp://queue.example.com\"\n", "sqs.public_url", "absolute http")]
    [InlineData("[sqs]\npublic_url = \"https://q.example.com/?x=1\"\n", "sqs.public_url", "without query")]
    [InlineData("[sqs]\naccount_id = \"12345\"\n", "sqs.account_id", "12 digits")]
    [InlineData("[sqs]\naccount_id = \"12345678901x\"\n", "sqs.account_id", "12 digits")]
    [InlineData("[sqs]\nregion = \"US-EAST-1\"\n", "sqs.region", "lowercase")]
    [InlineData("[sqs]\nregion = \"\"\n", "sqs.region", "non-empty")]
    public void A_bad_value_names_its_key(string table, string key, string fragment)
    {
        Fails("queues = [\"a\"]\n" + table, key, fragment);
    }

    [Fact]
    public void An_access_key_may_carry_an_id_for_sqs_clients()
    {
        var config = Parse("queues = [\"a\"]\n[[access_keys]]\nkey = \"secret\"\nqueues = [\"*\"]\nid = \"AKIDEXAMPLE\"\n");

        Assert.Equal("AKIDEXAMPLE", config.AccessKeys[0].Id);
        Assert.Null(Parse("queues = [\"a\"]\n[[access_keys]]\nkey = \"k\"\nqueues = [\"*\"]\n").AccessKeys[0].Id);
    }

    [Theory]
    [InlineData("id = \"AKID-1\"\n", "letters and digits")]
    [InlineData("id = \"\"\n", "non-empty")]
    [InlineData("id = 5\n", "string")]
    public void A_bad_access_key_id_is_refused(string id, string fragment)
    {
        Fails("queues = [\"a\"]\n[[access_keys]]\nkey = \"k\"\nqueues = [\"*\"]\n" + id, "access_keys[0].id", fragment);
    }

    [Fact]
    public void Two_keys_with_one_id_are_refused()
    {
        Fails("""
            queues = ["a"]
            [[access_keys]]
            key = "k1"
            queues = ["*"]
            id = "AKID1"
            [[access_keys]]
            key = "k2"
            queues = ["a"]
            id = "AKID1"
            """, "access_keys[1].id", "already given in access_keys[0]");
    }
}
