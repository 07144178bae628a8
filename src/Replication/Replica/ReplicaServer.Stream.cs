using Spartan.Domain;
using Spartan.Domain.Events;
using Spartan.Engine;
using Spartan.Replication.Protocol;
using Spartan.Storage.Codecs;

namespace Spartan.Replication.Replica;

// The authenticated part of a session: applying the primary's stream as its plan said. Runs on the session's task,
// holding the streaming lock, so one stream is applied at a time. The epochs of the primary's history are recorded as
// events of them are applied; until a planned snapshot is installed, no event is applied at all.
public sealed partial class ReplicaServer
{
    private async Task ApplyStreamAsync(PeerConnection connection, Plan plan, CancellationToken ct)
    {
        var events = new List<SequencedEvent>(ProtocolVersion.EventsPerFrame);
        var primary = plan.History;
        var adopted = plan.Action != PlanAction.Snapshot;
        var recorded = broker.History.Epochs.Count; // the primary's epochs this replica holds events of
        while (await connection.ReadAsync(ct) is { } frame)
        {
            long applied;
            switch ((FrameType)frame.Type)
            {
                case FrameType.Events:
                    // Its events are the primary's history only once its snapshot replaced what this replica held.
                    if (!adopted) throw new ProtocolException("Events arrived before the snapshot the plan announced.");
                    events.Clear();
                    foreach (var (sequence, encoded) in WireCodec.ReadEvents(frame.Payload))
                        events.Add(new SequencedEvent(sequence, Decode(encoded)));
                    var result = await broker.ApplyReplicatedAsync(events);
                    if (result.Problem is { } problem) throw new ProtocolException(problem);
                    applied = result.Applied;
                    // Recorded once stored: a crash in between only makes the next plan drop and resend those events.
                    if (recorded < primary.Epochs.Count && primary.Epochs[recorded].Start <= applied)
                    {
                        await broker.AdoptHistoryAsync(primary.Through(applied));
                        recorded = broker.History.Epochs.Count;
                    }

                    Status.Heard(lastAppliedAt: events.Count > 0 ? events[^1].Event.At : null);
                    break;
                case FrameType.SnapshotBegin:
                    applied = await InstallSnapshotAsync(connection, frame, primary, ct);
                    adopted = true;
                    recorded = broker.History.Epochs.Count;
                    Status.Heard();
                    break;
                case FrameType.Heartbeat:
                    // Before the planned snapshot, this replica holds nothing of the primary's history.
                    applied = adopted ? broker.CommittedSequence : 0;
                    Status.Heard(primaryCommitted: WireCodec.ReadNumbers(frame.Payload).First);
                    break;
                default:
                    throw new ProtocolException($"Unexpected frame type {frame.Type} in the stream.");
            }

            await connection.SendAsync(FrameType.Ack, o => WireCodec.WriteNumbers(o, applied), ct);
        }

        throw new IOException("the primary closed the connection");
    }

    private async Task<long> InstallSnapshotAsync(PeerConnection connection, Framing.Frame begin, Engine.History primary,
        CancellationToken ct)
    {
        var (sequence, count) = WireCodec.ReadNumbers(begin.Payload);
        if (count is < 0 or > 100_000) throw new ProtocolException($"Implausible snapshot of {count} queues.");
        var queues = new QueueImage[count];
        for (var i = 0; i < count; i++)
        {
            var frame = await connection.ExpectAsync(ct, FrameType.SnapshotQueue);
            queues[i] = DecodeImage(System.Buffers.BuffersExtensions.ToArray(frame.Payload));
        }

        await connection.ExpectAsync(ct, FrameType.SnapshotEnd);
        var image = new StateImage(sequence, queues);
        // The loop writes the store and the state, as it writes everything else, then the history the snapshot is of.
        var installed = await broker.InstallSnapshotAsync(image, primary.Through(sequence));
        var messages = 0;
        foreach (var queue in queues) messages += queue.Messages.Length;
        LogInstalled(logger, sequence, messages);
        return installed;
    }

    private static QueueEvent Decode(ReadOnlyMemory<byte> encoded)
    {
        try
        {
            return EventCodec.Decode(encoded);
        }
        catch (CodecException error)
        {
            throw new ProtocolException($"An event does not decode: {error.Message}", error);
        }
    }

    private static QueueImage DecodeImage(byte[] encoded)
    {
        try
        {
            return ImageCodec.Decode(encoded);
        }
        catch (CodecException error)
        {
            throw new ProtocolException($"A snapshot queue does not decode: {error.Message}", error);
        }
    }
}
