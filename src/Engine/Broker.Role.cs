using Microsoft.Extensions.Logging;
using Spartan.Domain;

namespace Spartan.Engine;

// Cluster mode (SPEC §13): the node's role changes while it runs. Following, it runs only reads and the primary's
// stream (Command.FollowerRuns); leading, it begins an epoch numbered by etcd and decides events again. With a commit
// barrier (ack = "replica"), a batch's callers hear their answer only once the barrier lets its last sequence through.
public sealed partial class Broker
{
    private ICommitBarrier? _barrier;
    private bool _following;
    private bool _leading;

    /// <summary>True while this node follows a primary (cluster mode): it takes no write of its own.</summary>
    public bool Following => Volatile.Read(ref _following);

    /// <summary>Makes every answer of a batch that wrote events wait for <paramref name="barrier"/>. Set before the loop
    /// starts.</summary>
    /// <exception cref="InvalidOperationException">The loop already runs.</exception>
    public void SetCommitBarrier(ICommitBarrier barrier)
    {
        ArgumentNullException.ThrowIfNull(barrier);
        if (Started) throw new InvalidOperationException("The commit barrier is set before the commit loop starts.");
        _barrier = barrier;
    }

    /// <summary>Stops deciding events: from the next batch on only reads and the primary's stream run here, and
    /// consumers parked in long polls are answered with <see cref="NotPrimaryException"/> (nothing can reserve for them).
    /// Set before the loop starts, the node starts following.</summary>
    public Task FollowAsync()
    {
        if (!Started)
        {
            _following = true;
            _state.FollowsPrimary = true;
            return Task.CompletedTask;
        }

        return Enqueue(new FollowCommand(this));
    }

    /// <summary>Begins an epoch numbered <paramref name="number"/> (above every number known here, or the next one
    /// above them) at the next sequence, then decides events again, and from then on refuses another primary's stream
    /// (an old primary that has not noticed yet must not write into the new one's history) until it follows again. Answers the epoch, or null while the store takes
    /// no writes (it is begun as soon as it does).</summary>
    public Task<Epoch?> LeadAsync(long number) => Enqueue(new LeadCommand(this, number));

    /// <summary>Loop only: answers a batch that wrote events through the barrier, or at once.</summary>
    private void Answer(List<Command> pending, List<(Waiter Waiter, IReadOnlyList<MessageSnapshot> Messages)> served, bool wrote)
    {
        // Only a writer's own batches wait: a follower's are its primary's stream, acknowledged to that primary.
        if (_barrier is { } barrier && wrote && !_following)
        {
            var wait = barrier.WaitAsync(_lastSequence);
            if (!wait.IsCompletedSuccessfully)
            {
                _ = AnswerLaterAsync(wait, [.. pending], [.. served]);
                return;
            }
        }

        foreach (var command in pending) command.Complete();
        foreach (var (waiter, messages) in served) waiter.Complete(messages);
    }

    private static async Task AnswerLaterAsync(ValueTask wait, Command[] pending,
        (Waiter Waiter, IReadOnlyList<MessageSnapshot> Messages)[] served)
    {
        try
        {
            await wait.ConfigureAwait(false);
        }
        catch (Exception error)
        {
            var failure = error is StorageUnavailableException or NotPrimaryException
                ? error
                : new StorageUnavailableException("The write could not be acknowledged.", error);
            foreach (var command in pending) command.Fail(failure);
            foreach (var (waiter, _) in served) waiter.Fail(failure);
            return;
        }

        foreach (var command in pending) command.Complete();
        foreach (var (waiter, messages) in served) waiter.Complete(messages);
    }

    private sealed class FollowCommand(Broker broker) : StoreCommand<bool>(reads: true)
    {
        protected override bool Run(CommitBatch batch)
        {
            if (broker._following) return false;
            Volatile.Write(ref broker._following, true);
            broker._leading = false;
            broker._followsPrimary = true;
            batch.State.FollowsPrimary = true;
            batch.Waits.FailAll(new NotPrimaryException("This node stepped down; another node is the primary now."));
            Volatile.Write(ref broker._parked, 0);
            LogFollowing(broker._logger);
            return true;
        }
    }

    /// <summary>Runs even while the store refuses writes: the epoch is then left pending, with its number.</summary>
    private sealed class LeadCommand(Broker broker, long number) : StoreCommand<Epoch?>(reads: true)
    {
        protected override Epoch? Run(CommitBatch batch)
        {
            // The epoch first, synced, and only then a decision of this writer (SPEC §13).
            var begun = broker.TryBeginEpoch(batch.CommittedSequence + batch.Events.Count + 1, out var epoch, number);
            Volatile.Write(ref broker._following, false);
            broker._leading = true;
            broker._followsPrimary = false;
            if (!broker._readOnly) batch.State.FollowsPrimary = false;
            return begun ? epoch : null;
        }
    }

    [LoggerMessage(EventId = 33, Level = LogLevel.Information, Message = "Following the primary: this node takes no writes of its own")]
    private static partial void LogFollowing(ILogger logger);
}
