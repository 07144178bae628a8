using Microsoft.Extensions.Logging;
using NodaTime;
using Spartan.Engine;
using Spartan.Replication.Protocol;
using Spartan.Storage.Codecs;

namespace Spartan.Replication.Primary;

// The stream of an established session: the events after the replica's position, from the in-memory ring, from the
// event log, or a full snapshot when neither holds them; then the commits as they come, with heartbeats when idle. Runs
// on the session's streaming task; any failure ends the session (the acks task ends with it).
public sealed partial class Replicator
{
    /// <summary>Sends everything after <paramref name="next"/> − 1, then tails the commits, with heartbeats.</summary>
    private async Task StreamAsync(PeerConnection connection, long next, CancellationToken ct)
    {
        var batch = new List<SequencedEvent>(EventsPerRead);
        var wire = new List<WireEvent>(EventsPerRead);
        var sent = true; // the first time it has nothing to send, say so: the replica then knows it is caught up
        while (!ct.IsCancellationRequested)
        {
            batch.Clear();
            var committed = _broker.CommittedSequence;
            if (next > committed + 1)
            {
                // The replica is ahead: the plan should have told it to go back. Never stream a gap: start it afresh.
                next = await SendSnapshotAsync(connection, null, ct);
                continue;
            }

            if (!_retained.TryRead(next, EventsPerRead, batch) && !ReadLog(next, batch))
            {
                next = await SendSnapshotAsync(connection, null, ct);
                continue;
            }

            if (batch.Count > 0)
            {
                wire.Clear();
                foreach (var (sequence, e) in batch) wire.Add(new WireEvent(sequence, EventCodec.Encode(e)));
                await connection.SendAsync(FrameType.Events, o => WireCodec.WriteEvents(wire, o), ct);
                next = batch[^1].Sequence + 1;
                sent = true;
                continue;
            }

            if (sent)
            {
                // Caught up: a heartbeat tells the replica it holds everything committed so far (its health and lag).
                await connection.SendAsync(FrameType.Heartbeat, o => WireCodec.WriteNumbers(o, _broker.CommittedSequence), ct);
                sent = false;
                continue;
            }

            var signal = _retained.WaitAfterAsync(next - 1);
            using var idle = CancellationTokenSource.CreateLinkedTokenSource(ct);
            var beat = Task.Delay(_settings.Heartbeat, _time, idle.Token);
            if (await Task.WhenAny(signal, beat) == beat)
            {
                await beat;
                await connection.SendAsync(FrameType.Heartbeat, o => WireCodec.WriteNumbers(o, _broker.CommittedSequence), ct);
            }
            else
            {
                // A commit won: cancel the heartbeat's timer now rather than leave it to fire long after (thousands of
                // waits a second would otherwise keep thousands of live timers).
                await idle.CancelAsync();
            }
        }
    }

    /// <summary>The instant of the first event after <paramref name="sequence"/>: from the ring, else from the log (log
    /// mode), else the ring's oldest (the one sought is older still).</summary>
    private Instant? FirstAfter(long sequence)
    {
        var retained = _retained.InstantAfter(sequence);
        if (sequence + 1 >= _retained.First || sequence + 1 < _log.FirstSequence) return retained;
        try
        {
            var read = _log.Read(sequence + 1, 1);
            return read.Count > 0 ? read[0].Event.At : retained;
        }
        catch (Exception error) when (error is StoreException or ObjectDisposedException)
        {
            return retained; // a metrics scrape during a stop or a damaged read: the ring's answer is a fair bound
        }
    }

    /// <summary>Reads events the ring no longer holds from the event log (log mode), if it still holds them.</summary>
    private bool ReadLog(long next, List<SequencedEvent> batch)
    {
        if (_log.FirstSequence > next) return false;
        var read = _log.Read(next, EventsPerRead);
        if (read.Count == 0 || read[0].Sequence != next) return false;
        batch.AddRange(read);
        return true;
    }

    /// <summary>Sends a full snapshot; returns the sequence the stream goes on from.</summary>
    /// <param name="connection">The session's link.</param>
    /// <param name="why">Why the plan asked for one, or null when this node no longer holds what the replica needs.</param>
    /// <param name="ct">Ends with the session.</param>
    private async Task<long> SendSnapshotAsync(PeerConnection connection, string? why, CancellationToken ct)
    {
        var image = await _broker.CaptureAsync();
        if (why is null) LogSnapshot(_logger, _destination, image.Sequence);
        else LogPlannedSnapshot(_logger, _destination, why, image.Sequence);
        connection.Write(FrameType.SnapshotBegin, image, static (i, o) => WireCodec.WriteNumbers(o, i.Sequence, i.Queues.Length));
        foreach (var queue in image.Queues)
        {
            connection.Write(FrameType.SnapshotQueue, queue, static (q, o) => ImageCodec.Write(q, o));
            await connection.FlushAsync(ct);
        }

        await connection.SendAsync(FrameType.SnapshotEnd, static _ => { }, ct);
        return image.Sequence + 1;
    }

    [LoggerMessage(EventId = 43, Level = LogLevel.Information, Message = "Replica {Destination} is behind what the log retains; sending a full snapshot at sequence {Sequence}")]
    private static partial void LogSnapshot(ILogger logger, string destination, long sequence);

    [LoggerMessage(EventId = 47, Level = LogLevel.Warning, Message = "Replica {Destination}: {Why}; sending a full snapshot at sequence {Sequence}")]
    private static partial void LogPlannedSnapshot(ILogger logger, string destination, string why, long sequence);
}
