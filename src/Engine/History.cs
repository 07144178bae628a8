using System.Globalization;
using System.Text;

namespace Spartan.Engine;

/// <summary>One epoch of a history (SPEC §7): the run of one writer, from the sequence it started at. A writer's every
/// start (and every promotion) begins one; its number is above every number the folder ever knew, its id is new.</summary>
/// <param name="Number">Orders the epochs of one history; a replica that knows a higher one refuses an older writer.</param>
/// <param name="Id">Tells apart two epochs given the same number by two nodes that lost sight of each other.</param>
/// <param name="Start">The sequence of the first event of the epoch: the writer's next sequence when it began.</param>
public readonly record struct Epoch(long Number, Guid Id, long Start)
{
    public override string ToString() =>
        $"epoch {Number.ToString(CultureInfo.InvariantCulture)} ({ShortId(Id)}) from sequence {Start.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>How logs show an id: its first 8 hex digits.</summary>
    public static string ShortId(Guid id) => id.ToString("N")[..8];
}

/// <summary>Where the events of a data folder come from (SPEC §7 history identity): an id made with the folder, and
/// the epochs of the writers whose events it holds, oldest first — Kafka's leader-epoch checkpoint.</summary>
/// <remarks>Immutable: every change makes a new one. Two folders of the same id hold the same events up to the end of
/// the last epoch they share (<see cref="LastCommonSequence"/>); folders of different ids share nothing but the empty
/// state before sequence 1.</remarks>
public sealed class History
{
    /// <param name="id">The folder's history id.</param>
    /// <param name="epochs">Oldest first: numbers rising, starts never falling.</param>
    /// <exception cref="ArgumentException">The epochs are out of order.</exception>
    public History(Guid id, IReadOnlyList<Epoch> epochs)
    {
        ArgumentNullException.ThrowIfNull(epochs);
        for (var i = 0; i < epochs.Count; i++)
        {
            if (epochs[i].Start < 1) throw new ArgumentException($"Epoch {epochs[i].Number} starts at {epochs[i].Start}, before sequence 1.", nameof(epochs));
            if (i > 0 && (epochs[i].Number <= epochs[i - 1].Number || epochs[i].Start < epochs[i - 1].Start))
                throw new ArgumentException($"Epochs out of order: {epochs[i - 1]} then {epochs[i]}.", nameof(epochs));
        }

        Id = id;
        Epochs = [.. epochs];
    }

    public Guid Id { get; }

    public IReadOnlyList<Epoch> Epochs { get; }

    /// <summary>The newest epoch, or null before any writer ran.</summary>
    public Epoch? Latest => Epochs.Count > 0 ? Epochs[^1] : null;

    /// <summary>A history of its own, for a folder made now.</summary>
    public static History New() => new(Guid.NewGuid(), []);

    /// <summary>Begins an epoch at <paramref name="start"/> (the writer's next sequence): numbered above every epoch known,
    /// with a new id. Epochs starting at or after it are dropped: their events, if any, are not this folder's any more.</summary>
    /// <param name="start">The writer's next sequence.</param>
    /// <param name="epoch">The epoch begun.</param>
    /// <param name="number">The number to give it (cluster mode: the leader key's create revision in etcd); one above the
    /// highest known when null or not above it, since numbers must rise.</param>
    public History Begin(long start, out Epoch epoch, long? number = null)
    {
        var next = (Latest?.Number ?? 0) + 1;
        epoch = new Epoch(number is { } n && n > next ? n : next, Guid.NewGuid(), start);
        var kept = new List<Epoch>(Epochs.Count + 1);
        foreach (var e in Epochs)
            if (e.Start < start) kept.Add(e);
        kept.Add(epoch);
        return new History(Id, kept);
    }

    /// <summary>The epochs of this history that hold events up to <paramref name="sequence"/>: what a replica holding
    /// that much of this history records (an epoch it holds no event of would make it refuse a writer that legitimately
    /// reuses the number, e.g. one restored from a backup).</summary>
    public History Through(long sequence)
    {
        var count = 0;
        while (count < Epochs.Count && Epochs[count].Start <= sequence) count++;
        return count == Epochs.Count ? this : new History(Id, [.. Epochs.Take(count)]);
    }

    /// <summary>The last sequence on which this history, holding events up to <paramref name="last"/>, and
    /// <paramref name="other"/>, holding them up to <paramref name="otherLast"/>, agree: the end of the newest epoch of
    /// <paramref name="other"/> that this one has too (same number, same id), bounded by where that epoch ends on either
    /// side. 0 for different histories or no shared epoch: only the empty state is common then.</summary>
    public long LastCommonSequence(long last, History other, long otherLast)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (other.Id != Id) return 0;
        for (var i = other.Epochs.Count - 1; i >= 0; i--)
        {
            var j = IndexOf(other.Epochs[i]);
            if (j < 0) continue;
            var ours = Math.Min(last, j + 1 < Epochs.Count ? Epochs[j + 1].Start - 1 : last);
            var theirs = Math.Min(otherLast, i + 1 < other.Epochs.Count ? other.Epochs[i + 1].Start - 1 : otherLast);
            return Math.Max(0, Math.Min(ours, theirs));
        }

        return 0;
    }

    /// <summary>True when both have the same id and the same epochs.</summary>
    public bool SameAs(History other) => other.Id == Id && other.Epochs.SequenceEqual(Epochs);

    /// <summary>For logs: the first 8 hex digits of the id.</summary>
    public string ShortId => Epoch.ShortId(Id);

    /// <summary>For logs: the id and the newest epoch.</summary>
    public override string ToString()
    {
        var text = new StringBuilder("history ").Append(Epoch.ShortId(Id));
        return (Latest is { } latest ? text.Append(", ").Append(latest) : text.Append(", no epoch yet")).ToString();
    }

    private int IndexOf(Epoch epoch)
    {
        for (var j = Epochs.Count - 1; j >= 0; j--)
            if (Epochs[j] == epoch) return j;
        return -1;
    }
}
