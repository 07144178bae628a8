using NodaTime;
using Spartan.Domain;
using Spartan.Domain.Events;
using Spartan.Engine;
using Spartan.Storage.Codecs;
using Spartan.Storage.Rocks;
using Spartan.Storage.Tests.Codecs;

namespace Spartan.Storage.Tests.Rocks;

/// <summary>The event log keeps what was appended across a reopen, in order, whatever the sync setting.</summary>
public sealed class RocksEventLogTests : IDisposable
{
    private static readonly Instant At = Instant.FromUtc(2026, 11, 26, 12, 0, 0);
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static SequencedEvent[] Batch(long first, int count) => [.. Enumerable.Range(0, count)
        .Select(i => new SequencedEvent(first + i, new MessagePushed("q", At + Duration.FromSeconds(i), Guid.NewGuid(),
            $"body {first + i}", 0, 0, new Dictionary<string, string>(), 1, 30, null)))];

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Appended_batches_are_read_back_in_order_after_a_reopen(bool sync)
    {
        var first = Batch(1, 3);
        var second = Batch(4, 200);
        using (var store = RocksStore.OpenReadWrite(_folder.Path, syncEvents: sync))
        {
            Assert.Equal(0, store.EventLog.LastSequence);
            store.EventLog.Append(first);
            store.EventLog.Append(second);
            Assert.Equal(203, store.EventLog.LastSequence);
        }

        using var reopened = RocksStore.OpenReadWrite(_folder.Path, syncEvents: sync);
        Assert.Equal(203, reopened.EventLog.LastSequence);
        Assert.Equal(1, reopened.EventLog.FirstSequence);
        var all = reopened.EventLog.Read(1, 1000);
        Assert.Equal(Enumerable.Range(1, 203).Select(i => (long)i), all.Select(e => e.Sequence));
        Assert.Equal(first.Concat(second).Select(e => EventCodecTests.Describe(e.Event)), all.Select(e => EventCodecTests.Describe(e.Event)));
    }

    [Fact]
    public async Task Read_starts_at_the_given_sequence_and_stops_at_the_limit()
    {
        using var store = RocksStore.OpenReadWrite(_folder.Path, syncEvents: false);
        store.EventLog.Append(Batch(1, 300));

        var page = store.EventLog.Read(257, 10);
        Assert.Equal(Enumerable.Range(257, 10).Select(i => (long)i), page.Select(e => e.Sequence));
        Assert.Equal(3, store.EventLog.Read(298, 10).Count);
        Assert.Empty(store.EventLog.Read(301, 10));
    }

    [Fact]
    public async Task A_batch_is_refused_whole_when_its_sequences_do_not_rise()
    {
        using var store = RocksStore.OpenReadWrite(_folder.Path, syncEvents: false);
        store.EventLog.Append(Batch(1, 5));

        Assert.Throws<InvalidOperationException>(() => store.EventLog.Append([.. Batch(6, 1), .. Batch(6, 1)]));
        Assert.Equal(5, store.EventLog.LastSequence);
        Assert.Equal(5, store.EventLog.Read(1, 100).Count);
    }

    [Fact]
    public async Task Each_value_is_the_encoded_event_under_its_big_endian_sequence()
    {
        var batch = Batch(258, 1);
        using var store = RocksStore.OpenReadWrite(_folder.Path, syncEvents: true);
        store.EventLog.Append(batch);

        byte[]? value;
        using (var lease = store.Lease()) value = lease.Db.Get(Convert.FromHexString("0000000000000102"), lease.Handle.Events);
        Assert.Equal(EventCodec.Encode(batch[0].Event), value);
    }
}
