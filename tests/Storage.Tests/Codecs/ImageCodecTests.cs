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

    // The 15 keys of the sample message, in order.
    private const string MessageKeys = "c4106f1c4a8e2b9d4d1e9c7a0a5f3e2d1b00" + "a26869" + "3c" + "09" + "81a16ba176" + "02" + "1e" + "05"
        + "cf18eb968af5288000" + "01" + "01" + "cf18eb968c1f2e7200" + "c41000112233445566778899aabbccddeeff"
        + "cf18eb968c1f2e7200" + "02";

    [Fact]
    public void A_queue_image_encodes_to_its_pinned_bytes()
    {
        // [2, 64, ["q", 3, [message], promoted-until, settings, created-at]]; settings [dead letter, max tries,
        // timeout, delay] with nil where unset.
        const string expected = "93024096" + "a171" + "03" + "91" + "9f" + MessageKeys
            + "cf18eb968c96640600" + "94a464656164c01ec0" + "cf18eb968af5288000";
        var image = Sample() with { Settings = new QueueSettings("dead", null, 30, null), CreatedAt = At };
        Assert.Equal(expected, Convert.ToHexStringLower(ImageCodec.Encode(image)));
    }

    [Fact]
    public void A_version_1_queue_image_still_decodes_without_settings()
    {
        // What wave 1 wrote: [1, 64, ["q", 3, [message], promoted-until]].
        const string version1 = "93014094" + "a171" + "03" + "91" + "9f" + MessageKeys + "cf18eb968c96640600";

        var decoded = ImageCodec.Decode(Convert.FromHexString(version1));

        Assert.Equal(Sample().Messages[0] with { Attributes = decoded.Messages[0].Attributes }, decoded.Messages[0]);
        Assert.Null(decoded.Settings);
        Assert.Null(decoded.CreatedAt);
    }

    [Fact]
    public void A_reservation_with_its_own_timeout_keeps_it_as_a_16th_message_key()
    {
        var image = Sample() with { Messages = [Sample().Messages[0] with { ReservationTimeout = 600 }] };

        var bytes = Convert.ToHexStringLower(ImageCodec.Encode(image));

        Assert.Contains("dc0010" + MessageKeys + "cd0258", bytes, StringComparison.Ordinal);
        Assert.Equal(600u, ImageCodec.Decode(Convert.FromHexString(bytes)).Messages[0].ReservationTimeout);
    }

    [Fact]
    public void Version_3_adds_kept_attributes_the_last_change_and_a_first_reservation_and_is_used_only_for_them()
    {
        // [3, 64, [..., settings + attributes, created-at, changed-at]]; the message gains key 15 (nil: no timeout of its
        // own) and key 16 (its first reservation).
        var image = Sample() with
        {
            Messages = [Sample().Messages[0] with { FirstObtainedAt = At }],
            Settings = new QueueSettings("dead", null, 30, null) { Attributes = QueueAttributes.From([new("tag:team", "x")]) },
            CreatedAt = At,
            ChangedAt = At + Duration.FromSeconds(7),
        };
        const string expected = "93034097" + "a171" + "03" + "91" + "dc0011" + MessageKeys + "c0" + "cf18eb968af5288000"
            + "cf18eb968c96640600" + "95a464656164c01ec0" + "81a87461673a7465616da178" + "cf18eb968af5288000" + "cf18eb968c96640600";

        var bytes = ImageCodec.Encode(image);
        var decoded = ImageCodec.Decode(bytes);

        Assert.Equal(expected, Convert.ToHexStringLower(bytes));
        Assert.Equal((image.Settings, image.CreatedAt, image.ChangedAt), (decoded.Settings, decoded.CreatedAt, decoded.ChangedAt));
        Assert.Equal(At, decoded.Messages[0].FirstObtainedAt);
        Assert.Null(decoded.Messages[0].ReservationTimeout);
        // Without any of them, the image stays version 2 (the pinned test above), readable by the previous build.
        Assert.StartsWith("9302", Convert.ToHexStringLower(ImageCodec.Encode(Sample())), StringComparison.Ordinal);
    }

    [Fact]
    public void A_queue_image_round_trips_every_field()
    {
        var image = Sample();
        var decoded = ImageCodec.Decode(ImageCodec.Encode(image));

        Assert.Equal((image.Name, image.NextSequence, image.PromotedUntil), (decoded.Name, decoded.NextSequence, decoded.PromotedUntil));
        Assert.Equal((image.Settings, image.CreatedAt), (decoded.Settings, decoded.CreatedAt));
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
