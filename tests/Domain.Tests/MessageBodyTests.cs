using System.Text;

namespace Spartan.Domain.Tests;

/// <summary>Bodies are held as UTF-8 (SPEC §3.4 counts <c>body_size</c> in UTF-8 bytes) and come back as the
/// exact text that was pushed.</summary>
public sealed class MessageBodyTests
{
    [Theory]
    [InlineData("")]
    [InlineData("plain ascii")]
    [InlineData("héllo wörld, 日本語, emoji 🌍, quote \" and backslash \\")]
    public void Text_round_trips_exactly_and_counts_utf8_bytes(string text)
    {
        var body = MessageBody.FromString(text);
        Assert.Equal(text, body.ToString());
        Assert.Equal(Encoding.UTF8.GetByteCount(text), body.ByteCount);
        Assert.True(body.Utf8.SequenceEqual(Encoding.UTF8.GetBytes(text)));
    }

    [Fact]
    public void Bodies_compare_by_content()
    {
        MessageBody a = "same";
        var b = MessageBody.FromUtf8("same"u8);
        Assert.Equal(a, b);
        Assert.True(a == b);
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
        Assert.NotEqual(a, MessageBody.FromString("other"));
        Assert.Equal(MessageBody.FromString(""), default);
    }

    [Fact]
    public void Bytes_that_are_not_utf8_are_refused()
    {
        Assert.Throws<FormatException>(() => MessageBody.FromUtf8([0x68, 0xff, 0x69]));
        Assert.Throws<FormatException>(() => MessageBody.FromUtf8([0xed, 0xa0, 0x80])); // a lone surrogate
    }

    [Fact]
    public void The_copy_taken_from_bytes_does_not_follow_later_changes_to_them()
    {
        byte[] source = [0x61, 0x62];
        var body = MessageBody.FromUtf8(source);
        source[0] = 0x7a;
        Assert.Equal("ab", body.ToString());
    }
}
