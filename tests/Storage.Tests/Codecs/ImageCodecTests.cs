using NodaTime;
using Spartan.Domain;
using Spartan.Storage.Codecs;

namespace Spartan.Storage.Tests.Codecs;

/// <summary>The bytes of a snapshot's queue image are pinned like those of events, and every field round-trips.</summary>
public sealed class ImageCodecTests
{
    private static readonly Instant At = Instant.FromUtc(2026, 11, 26, 12, 0, 0);
    private static readonly Guid Id = Guid.Parse("6f1c4a8e-2b9d-4d1e-9c7a-0a5f3e2d1b00");

    private static QueueImage Sample() => new("q", 3,
    [
        new MessageImage(Id, "hi", 60, 9, new Dictionary<string, string> { ["k"] = "v" }, 2, 30, 5, At,
            MessageStatus.Transit, 1, At + Duration.FromSeconds(5),
            new Receipt(Guid.Parse("00112233-4455-6677-8899-aabbccddeeff")), At + Duration.FromSeconds(5), 2),
    ], At + Duration.FromSeconds(7));

    [Fact]
    public void A_queue_image_encodes_to_its_pinned_bytes()
    {
        // [1, 64, ["q", 3, [message], promoted-until]]; the message array holds its 15 keys in order.
        const string expected = "93014094" + "a171" + "03" + "91" + "9f"
            + "c4106f1c4a8e2b9d4d1e9c7a0a5f3e2d1b00" + "a26869" + "3c" + "09" + "81a16ba176" + "02" + "1e" + "05"
            + "cf18eb968af5288000" + "01" + "01" + "cf18eb968c1f2e7200" + "c41000112233445566778899aabbccddeeff"
            + "cf18eb968c1f2e7200" + "02"
            + "cf18eb968c96640600";
        Assert.Equal(expected, Convert.ToHexStringLower(ImageCodec.Encode(Sample())));
    }

    [Fact]
    public void A_queue_image_round_trips_every_field()
    {
        var image = Sample();
        var decoded = ImageCodec.Decode(ImageCodec.Encode(image));

        Assert.Equal((image.Name, image.NextSequence, image.PromotedUntil), (decoded.Name, decoded.NextSequence, decoded.PromotedUntil));
        var (a, b) = (image.Messages[0], Assert.Single(decoded.Messages));
        Assert.Equal(a with { Attributes = b.Attributes }, b);
        Assert.Equal(a.Attributes, b.Attributes);
    }

    [Fact]
    public void An_empty_never_promoted_queue_round_trips()
    {
        var decoded = ImageCodec.Decode(ImageCodec.Encode(new QueueImage("empty", 0, [], null)));
        Assert.Equal(("empty", 0L, 0, (Instant?)null), (decoded.Name, decoded.NextSequence, decoded.Messages.Length, decoded.PromotedUntil));
    }

    [Fact]
    public void An_event_is_not_taken_for_a_queue_image()
    {
        var bytes = EventCodec.Encode(new Domain.Events.QueueCleared("q", At));
        Assert.Throws<CodecException>(() => ImageCodec.Decode(bytes));
    }
}
