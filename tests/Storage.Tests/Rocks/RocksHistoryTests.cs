using NodaTime;
using Spartan.Domain;
using Spartan.Domain.Events;
using Spartan.Engine;
using Spartan.Storage.Rocks;

namespace Spartan.Storage.Tests.Rocks;

/// <summary>SPEC §7 history identity in the folder's meta column family: a history id made with the folder, epochs that
/// survive a reopen and a backup, a format-1 folder brought to format 2, and a truncated log.</summary>
public sealed class RocksHistoryTests : IDisposable
{
    private static readonly Instant At = Instant.FromUtc(2026, 11, 30, 12, 0, 0);
    private readonly TempFolder _folder = new();
    private readonly TempFolder _other = new();

    public void Dispose()
    {
        _folder.Dispose();
        _other.Dispose();
    }

    private static SequencedEvent[] Pushes(long first, int count) => [.. Enumerable.Range(0, count)
        .Select(i => new SequencedEvent(first + i, new MessagePushed("q", At, Guid.NewGuid(), $"m{first + i}", 0, 0,
            new Dictionary<string, string>(), 1, 30, null)))];

    [Fact]
    public void A_new_folder_has_a_history_id_of_its_own_that_survives_a_reopen()
    {
        Guid id;
        using (var store = RocksStore.OpenReadWrite(_folder.Path, syncEvents: false))
        {
            id = store.ReadHistory().Id;
            Assert.Empty(store.ReadHistory().Epochs);
        }

        using var reopened = RocksStore.OpenReadWrite(_folder.Path, syncEvents: false);
        using var other = RocksStore.OpenReadWrite(_other.Path, syncEvents: false);
        Assert.Equal(id, reopened.ReadHistory().Id);
        Assert.NotEqual(Guid.Empty, id);
        Assert.NotEqual(id, other.ReadHistory().Id);
    }

    [Fact]
    public void Epochs_are_read_back_in_order_after_a_reopen_and_a_rewrite_drops_those_left_out()
    {
        using (var store = RocksStore.OpenReadWrite(_folder.Path, syncEvents: false))
        {
            var history = store.ReadHistory().Begin(1, out _).Begin(40, out _).Begin(300, out _);
            store.WriteHistory(history);
            store.WriteHistory(history.Begin(40, out _)); // epochs 2 and 3 started at or after 40: dropped
        }

        using var reopened = RocksStore.OpenReadWrite(_folder.Path, syncEvents: false);
        var read = reopened.ReadHistory();
        Assert.Equal([1L, 4], read.Epochs.Select(e => e.Number));
        Assert.Equal([1L, 40], read.Epochs.Select(e => e.Start));
        using var inspected = RocksStore.OpenForInspection(_folder.Path);
        Assert.True(inspected.ReadHistory().SameAs(read));
    }

    [Fact]
    public void A_backup_is_the_same_history_with_the_epochs_it_had()
    {
        var backup = Path.Combine(_other.Path, "backup");
        History original;
        using (var store = RocksStore.OpenReadWrite(_folder.Path, syncEvents: false))
        {
            original = store.ReadHistory().Begin(1, out _);
            store.WriteHistory(original);
            store.Checkpoint(backup);
            store.WriteHistory(original.Begin(10, out _));
        }

        using var restored = RocksStore.OpenReadWrite(backup, syncEvents: false);
        Assert.True(restored.ReadHistory().SameAs(original));
    }

    [Fact]
    public void A_format_1_folder_keeps_its_events_and_gets_a_history_of_its_own_and_format_2()
    {
        using (var store = RocksStore.OpenReadWrite(_folder.Path, syncEvents: false))
        {
            store.EventLog.Append(Pushes(1, 5));
            using var lease = store.Lease();
            lease.Db.Remove(Keys.HistoryId, lease.Handle.Meta);
            lease.Db.Put(Keys.FormatVersion, Keys.Number(1), lease.Handle.Meta);
        }

        // Read as it is for inspection, which never writes.
        using (var inspected = RocksStore.OpenForInspection(_folder.Path))
            Assert.Equal(5, inspected.EventLog.LastSequence);

        Guid id;
        using (var store = RocksStore.OpenReadWrite(_folder.Path, syncEvents: false))
        {
            Assert.Equal(5, store.EventLog.LastSequence);
            id = store.ReadHistory().Id;
            using var lease = store.Lease();
            Assert.Equal(2, Keys.ReadNumber(lease.Db.Get(Keys.FormatVersion, lease.Handle.Meta), "version"));
        }

        using var reopened = RocksStore.OpenReadWrite(_folder.Path, syncEvents: false);
        Assert.Equal(id, reopened.ReadHistory().Id);
    }

    [Fact]
    public void A_truncated_log_keeps_the_events_up_to_the_sequence_across_a_reopen_and_numbers_on_from_it()
    {
        using (var store = RocksStore.OpenReadWrite(_folder.Path, syncEvents: true))
        {
            store.EventLog.Append(Pushes(1, 10));
            store.EventLog.TruncateAfter(6);
            Assert.Equal(6, store.EventLog.LastSequence);
            store.EventLog.Append(Pushes(7, 2));
        }

        using var reopened = RocksStore.OpenReadWrite(_folder.Path, syncEvents: true);
        Assert.Equal(8, reopened.EventLog.LastSequence);
        var bodies = reopened.EventLog.Read(1, 100).Select(e => ((MessagePushed)e.Event).Body.ToString()).ToArray();
        Assert.Equal(["m1", "m2", "m3", "m4", "m5", "m6", "m7", "m8"], bodies);
    }

    [Fact]
    public void The_log_cannot_go_back_below_what_its_snapshot_covers()
    {
        using var store = RocksStore.OpenReadWrite(_folder.Path, syncEvents: true);
        store.EventLog.Append(Pushes(1, 10));
        store.Snapshots.Write(new StateImage(8, [new QueueImage("q", 0, [], null)]));

        var error = Assert.Throws<InvalidOperationException>(() => store.EventLog.TruncateAfter(7));

        Assert.Contains("covers the events up to 8", error.Message, StringComparison.Ordinal);
        Assert.Equal(10, store.EventLog.LastSequence);
        store.EventLog.TruncateAfter(8);
        Assert.Equal(8, store.EventLog.LastSequence);
    }
}
