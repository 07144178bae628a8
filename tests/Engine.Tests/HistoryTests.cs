using Spartan.Engine;

namespace Spartan.Engine.Tests;

/// <summary>SPEC §7 history identity as values: how epochs begin, what a replica records, and where two holders of one
/// history stop agreeing (Kafka's leader-epoch checkpoint).</summary>
public sealed class HistoryTests
{
    private static readonly Guid Folder = Guid.Parse("11111111-1111-1111-1111-111111111111");

    private static Epoch E(long number, long start) => new(number, new Guid((int)number, 0, 0, new byte[8]), start);

    [Fact]
    public void A_new_epoch_is_numbered_above_every_known_one_has_a_new_id_and_drops_those_starting_at_or_after_it()
    {
        var history = new History(Folder, [E(1, 1), E(2, 50), E(3, 90)]);

        var begun = history.Begin(50, out var epoch);

        Assert.Equal(4, epoch.Number); // above epoch 3, although epoch 3 is dropped: numbers never go back
        Assert.Equal(50, epoch.Start);
        Assert.DoesNotContain(history.Epochs, e => e.Id == epoch.Id);
        Assert.Equal([E(1, 1), epoch], begun.Epochs);
        Assert.Equal(Folder, begun.Id);
        Assert.Equal(3, history.Epochs.Count); // values: the original is unchanged
    }

    [Fact]
    public void The_first_epoch_of_a_folder_is_number_1()
    {
        History.New().Begin(1, out var first);

        Assert.Equal(1, first.Number);
    }

    [Fact]
    public void A_replica_records_only_the_epochs_it_holds_events_of()
    {
        var primary = new History(Folder, [E(1, 1), E(2, 50), E(3, 90)]);

        Assert.Empty(primary.Through(0).Epochs);
        Assert.Equal([E(1, 1)], primary.Through(49).Epochs);
        Assert.Equal([E(1, 1), E(2, 50)], primary.Through(50).Epochs);
        Assert.Same(primary, primary.Through(500));
        Assert.Equal(Folder, primary.Through(0).Id);
    }

    [Fact]
    public void Holders_of_one_history_agree_up_to_where_they_stand_while_they_share_their_newest_epoch()
    {
        var primary = new History(Folder, [E(1, 1), E(2, 50)]);
        var replica = primary.Through(70);

        Assert.Equal(70, primary.LastCommonSequence(120, replica, 70));
        Assert.Equal(70, replica.LastCommonSequence(70, primary, 120));
    }

    [Fact]
    public void A_primary_restored_from_a_backup_agrees_only_up_to_the_end_of_the_epoch_both_had()
    {
        // Epoch 1 ran to 80 on the replica; the primary went back to its backup at 60 and began epoch 2 there.
        var replica = new History(Folder, [E(1, 1)]);
        var primary = new History(Folder, [E(1, 1)]).Begin(61, out _);

        Assert.Equal(60, primary.LastCommonSequence(150, replica, 80));
    }

    [Fact]
    public void A_replica_promoted_on_its_own_agrees_with_the_old_primary_up_to_the_epoch_they_shared()
    {
        var shared = new History(Folder, [E(1, 1)]);
        var promoted = shared.Begin(41, out _); // the replica stood at 40 when it was promoted
        var oldPrimary = shared.Begin(46, out _); // the old primary had gone on to 45, then restarted

        Assert.Equal(40, oldPrimary.LastCommonSequence(60, promoted, 55));
    }

    [Fact]
    public void Different_histories_share_nothing_and_neither_does_one_without_a_shared_epoch()
    {
        var one = new History(Folder, [E(1, 1)]);

        Assert.Equal(0, one.LastCommonSequence(10, new History(Guid.NewGuid(), [E(1, 1)]), 10));
        Assert.Equal(0, one.LastCommonSequence(10, new History(Folder, [new Epoch(1, Guid.NewGuid(), 1)]), 10));
        Assert.Equal(0, one.LastCommonSequence(10, new History(Folder, []), 10));
    }

    [Fact]
    public void Epochs_out_of_order_are_refused()
    {
        Assert.Throws<ArgumentException>(() => new History(Folder, [E(2, 1), E(1, 5)]));
        Assert.Throws<ArgumentException>(() => new History(Folder, [E(1, 5), E(2, 4)]));
        Assert.Throws<ArgumentException>(() => new History(Folder, [E(1, 0)]));
    }
}
