using System.Globalization;
using NodaTime;
using Spartan.Api.Http;

namespace Spartan.Api.Tests.Http;

/// <summary>The message object's times (SPEC §3.3): RFC 3339 in the message's own offset, seconds of the offset only
/// when it is not whole minutes.</summary>
public sealed class Rfc3339Tests
{
    [Theory]
    [InlineData(0, "2026-11-26T15:04:05.123+00:00")]
    [InlineData(10800, "2026-11-26T18:04:05.123+03:00")]
    [InlineData(-16200, "2026-11-26T10:34:05.123-04:30")]
    [InlineData(86399, "2026-11-27T15:04:04.123+23:59:59")]
    [InlineData(-86399, "2026-11-25T15:04:06.123-23:59:59")]
    [InlineData(-61, "2026-11-26T15:03:04.123-00:01:01")]
    public void Writes_the_local_time_and_the_offset(int offset, string expected)
    {
        var instant = Instant.FromUtc(2026, 11, 26, 15, 4, 5) + Duration.FromMilliseconds(123);

        Assert.Equal(expected, Rfc3339.Format(instant, offset));
    }

    [Fact]
    public void Agrees_with_general_formatting_across_years_and_offsets()
    {
        var random = new Random(15);
        for (var i = 0; i < 20_000; i++)
        {
            var instant = Instant.FromUnixTimeMilliseconds(random.NextInt64(-62_000_000_000_000, 253_000_000_000_000));
            var offset = random.Next(-86399, 86400);
            var local = instant.Plus(Duration.FromSeconds(offset)).InUtc().LocalDateTime;
            var abs = Math.Abs(offset);
            var expected = string.Create(CultureInfo.InvariantCulture,
                $"{local.Year:D4}-{local.Month:D2}-{local.Day:D2}T{local.Hour:D2}:{local.Minute:D2}:{local.Second:D2}.{local.Millisecond:D3}{(offset < 0 ? '-' : '+')}{abs / 3600:D2}:{abs / 60 % 60:D2}")
                + (abs % 60 == 0 ? "" : string.Create(CultureInfo.InvariantCulture, $":{abs % 60:D2}"));

            Assert.Equal(expected, Rfc3339.Format(instant, offset));
        }
    }
}
