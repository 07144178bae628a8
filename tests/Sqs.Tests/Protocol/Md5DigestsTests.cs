using Spartan.Api.Features.Sqs.Protocol;

namespace Spartan.Sqs.Tests.Protocol;

/// <summary><see cref="Md5Digests"/> against digests computed independently by <see cref="Md5Reference"/>.</summary>
public sealed class Md5DigestsTests
{
    private static readonly SqsAttributeValue[] Mixed =
    [
        new("trace", "String", "αβγ ✓ 𝄞", null),
        new("Zeta", "Number", "-12.5e3", null),
        new("blob", "Binary", null, [0x00, 0x01, 0x02, 0x7F, 0x80, 0xFF]),
        new("alpha", "String.custom", "", null),
        new("Alpha", "Binary.png", null, []),
        new("count", "Number.int", "42", null),
    ];

    [Fact]
    public void The_empty_body_has_the_well_known_digest()
    {
        Assert.Equal("d41d8cd98f00b204e9800998ecf8427e", Md5Digests.OfMessageBody(""));
    }

    [Theory]
    [InlineData("")]
    [InlineData("hello")]
    [InlineData("héllo ✓ 𝄞 Привет 日本語")]
    [InlineData("{\"json\": [1, 2, 3]}\n\ttabs\r\n")]
    public void A_body_digest_is_the_MD5_of_its_UTF8(string body)
    {
        Assert.Equal(Md5Reference.OfText(body), Md5Digests.OfMessageBody(body));
    }

    [Fact]
    public void A_body_longer_than_the_stack_buffer_digests_the_same_way()
    {
        var body = string.Concat(Enumerable.Repeat("日本語 𝄞 ", 400));

        Assert.Equal(Md5Reference.OfText(body), Md5Digests.OfMessageBody(body));
    }

    [Fact]
    public void No_attributes_have_no_digest()
    {
        Assert.Null(Md5Digests.OfMessageAttributes([]));
    }

    [Fact]
    public void Attributes_of_every_type_given_unsorted_digest_as_AWS_defines()
    {
        Assert.Equal(Md5Reference.OfAttributes(Mixed), Md5Digests.OfMessageAttributes(Mixed));
    }

    [Fact]
    public void The_order_attributes_are_given_in_does_not_matter()
    {
        var reversed = Mixed.Reverse().ToArray();

        Assert.Equal(Md5Digests.OfMessageAttributes(Mixed), Md5Digests.OfMessageAttributes(reversed));
    }

    [Theory]
    [InlineData("String", "hello")]
    [InlineData("Number", "0")]
    [InlineData("String.custom", "ünïcödé")]
    public void A_single_string_attribute_digests_as_AWS_defines(string dataType, string value)
    {
        SqsAttributeValue[] one = [new("name", dataType, value, null)];

        Assert.Equal(Md5Reference.OfAttributes(one), Md5Digests.OfMessageAttributes(one));
    }

    [Fact]
    public void A_single_binary_attribute_digests_as_AWS_defines()
    {
        SqsAttributeValue[] one = [new("bytes", "Binary", null, [1, 2, 3])];

        Assert.Equal(Md5Reference.OfAttributes(one), Md5Digests.OfMessageAttributes(one));
    }

    [Fact]
    public void Every_part_of_an_attribute_counts()
    {
        var variants = new[]
        {
            Mixed,
            Mixed[1..],
            Mixed.Select((a, i) => i == 0 ? a with { Name = "Trace" } : a).ToArray(),
            Mixed.Select((a, i) => i == 0 ? a with { DataType = "String.x" } : a).ToArray(),
            Mixed.Select((a, i) => i == 0 ? a with { StringValue = "αβγ ✓ 𝄞 " } : a).ToArray(),
            Mixed.Select((a, i) => i == 2 ? a with { BinaryValue = [0x00, 0x01, 0x02, 0x7F, 0x80, 0xFE] } : a).ToArray(),
        };

        var digests = variants.Select(Md5Digests.OfMessageAttributes).ToArray();

        Assert.Equal(digests.Length, digests.Distinct().Count());
        // The same byte carried as binary and as a string differs only in type and transport byte.
        Assert.NotEqual(Md5Digests.OfMessageAttributes([new("x", "Binary", null, [1])]),
            Md5Digests.OfMessageAttributes([new("x", "String", "\u0001", null)]));
    }

    [Fact]
    public void Names_sort_ordinally()
    {
        // Ordinally "B" < "a" < "b"; a case-insensitive sort would put "a" first.
        SqsAttributeValue[] attributes =
        [
            new("b", "String", "1", null),
            new("a", "String", "2", null),
            new("B", "String", "3", null),
        ];

        Assert.Equal(Md5Reference.OfAttributes(attributes), Md5Digests.OfMessageAttributes(attributes));
        Assert.NotEqual(Md5Reference.OfAttributes(attributes, StringComparer.OrdinalIgnoreCase),
            Md5Digests.OfMessageAttributes(attributes));
    }

    [Fact]
    public void More_attributes_than_SQS_allows_still_digest_as_AWS_defines()
    {
        // Past 64 the order is kept on the heap instead of the stack; the digest must not change with it.
        var attributes = Enumerable.Range(0, 100)
            .Select(i => i % 2 == 0
                ? new SqsAttributeValue($"attr{i * 37 % 100:D3}", "String", new string('v', i), null)
                : new SqsAttributeValue($"attr{i * 37 % 100:D3}", "Binary", null,
                    [.. Enumerable.Range(0, i).Select(b => (byte)b)]))
            .ToArray();

        Assert.Equal(Md5Reference.OfAttributes(attributes), Md5Digests.OfMessageAttributes(attributes));
    }
}
