using System.Buffers;
using RocksDbSharp;
using Spartan.Engine;
using Spartan.Storage.Codecs;

namespace Spartan.Storage.Rocks;

/// <summary>The event log of log mode: column family <c>events</c>, key = global sequence (8-byte big-endian),
/// value = the MessagePack event (SPEC §6).</summary>
/// <remarks>
/// Ownership: <see cref="Append"/> is called only by the commit loop, one batch at a time, so its encoding
/// buffer needs no lock; <see cref="Read"/> may run on any thread meanwhile (dump, recovery, replication senders),
/// since RocksDB reads are thread-safe and see whole batches only.
/// Failure: a failed write throws to the commit loop, which fail-stops without acknowledging the batch; a value
/// that does not decode throws <see cref="StoreException"/> naming its sequence.
/// </remarks>
public sealed class RocksEventLog : IEventLog
{
    private readonly RocksStore _store;
    private readonly WriteOptions _write;
    private readonly ArrayBufferWriter<byte> _buffer = new(1024);
    private long _last;

    internal RocksEventLog(RocksStore store, bool sync)
    {
        _store = store;
        _write = sync ? store.SyncedWrite : store.BufferedWrite;
        SyncsEachWrite = sync;
        _last = FindLast();
    }

    /// <summary>True when every append is synced before it returns (<c>fsync = "always"</c>).</summary>
    public bool SyncsEachWrite { get; }

    public bool Writable => _store.Writable;

    public string? UnwritableReason => _store.UnwritableReason;

    /// <summary>The highest sequence stored: the last event, or the snapshot's when compaction removed them all.</summary>
    public long LastSequence => Volatile.Read(ref _last);

    /// <summary>The lowest sequence still stored, or <see cref="LastSequence"/> + 1 when the log is empty; a replica
    /// whose position is below this minus one needs a snapshot first.</summary>
    public long FirstSequence
    {
        get
        {
            using var lease = _store.Lease();
            using var iterator = lease.Db.NewIterator(lease.Handle.Events);
            return iterator.SeekToFirst().Valid()
                ? Keys.ReadNumber(iterator.GetKeySpan(), $"An event key in {_store.Path}")
                : LastSequence + 1;
        }
    }

    /// <summary>Writes the whole batch as one RocksDB write batch, synced when the store was opened so; commit
    /// loop only. Sequences must rise (the loop numbers them after <see cref="LastSequence"/>).</summary>
    public void Append(IReadOnlyList<SequencedEvent> batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        if (batch.Count == 0) return;
        _store.ThrowIfReadOnly();
        Span<byte> key = stackalloc byte[8];
        var previous = _last;
        using (var write = new WriteBatch())
        using (var lease = _store.Lease())
        {
            var events = lease.Handle.Events;
            for (var i = 0; i < batch.Count; i++)
            {
                var (sequence, e) = batch[i];
                if (sequence <= previous)
                    throw new InvalidOperationException($"Event sequence {sequence} does not follow {previous}.");
                previous = sequence;
                _buffer.ResetWrittenCount();
                EventCodec.Write(e, _buffer);
                Keys.Number(sequence, key);
                write.Put(key, _buffer.WrittenSpan, events);
            }

            _store.Write(write, _write);
        }

        Volatile.Write(ref _last, previous);
    }

    /// <summary>Up to <paramref name="limit"/> stored events from <paramref name="fromInclusive"/> on, in order.
    /// Events already folded away by compaction are skipped: the first returned may be later than asked.</summary>
    public IReadOnlyList<SequencedEvent> Read(long fromInclusive, int limit)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        try
        {
            return ReadEvents(fromInclusive, limit);
        }
        catch (RocksDbException error)
        {
            throw new StoreException($"The data folder {_store.Path} cannot be read: {error.Message}", error);
        }
    }

    private List<SequencedEvent> ReadEvents(long fromInclusive, int limit)
    {
        var events = new List<SequencedEvent>(Math.Min(limit, 4096));
        using var lease = _store.Lease();
        using var iterator = lease.Db.NewIterator(lease.Handle.Events);
        for (iterator.Seek(Keys.Number(Math.Max(fromInclusive, 0))); iterator.Valid() && events.Count < limit; iterator.Next())
        {
            var sequence = Keys.ReadNumber(iterator.GetKeySpan(), $"An event key in {_store.Path}");
            try
            {
                events.Add(new SequencedEvent(sequence, EventCodec.Decode(iterator.Value())));
            }
            catch (CodecException error)
            {
                throw new StoreException(
                    $"The data folder {_store.Path} is damaged: event {sequence} does not decode ({error.Message}).", error);
            }
        }

        return events;
    }

    /// <summary>Removes every event after <paramref name="sequence"/> in one synced write; commit loop only (a replica
    /// dropping a divergent suffix). The snapshot is kept, so the log cannot go back below what it covers.</summary>
    /// <exception cref="InvalidOperationException">The snapshot covers events after <paramref name="sequence"/>.</exception>
    public void TruncateAfter(long sequence)
    {
        _store.ThrowIfReadOnly();
        var covered = _store.Snapshots.CoveredSequence;
        if (sequence < covered)
            throw new InvalidOperationException(
                $"The snapshot in {_store.Path} covers the events up to {covered}: the log cannot go back to {sequence}.");
        if (sequence >= LastSequence) return;
        var from = Keys.Number(sequence + 1);
        var end = Keys.Number(long.MaxValue);
        using (var write = new WriteBatch())
        using (var lease = _store.Lease())
        {
            write.DeleteRange(from, (ulong)from.Length, end, (ulong)end.Length, lease.Handle.Events);
            _store.Write(write, _store.SyncedWrite);
        }

        Volatile.Write(ref _last, sequence);
    }

    /// <summary>Re-reads the last sequence after an inspection instance caught up with the server.</summary>
    internal void Refresh() => Volatile.Write(ref _last, FindLast());

    private long FindLast()
    {
        using var lease = _store.Lease();
        using var iterator = lease.Db.NewIterator(lease.Handle.Events);
        var last = iterator.SeekToLast().Valid()
            ? Keys.ReadNumber(iterator.GetKeySpan(), $"An event key in {_store.Path}")
            : 0;
        return Math.Max(last, _store.Snapshots.CoveredSequence);
    }
}
