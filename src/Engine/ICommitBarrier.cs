namespace Spartan.Engine;

/// <summary>Holds back the answers of a committed batch until more than this node's store holds it: with
/// <c>ack = "replica"</c> (SPEC §13), until a replica acknowledged the batch's last sequence.</summary>
public interface ICommitBarrier
{
    /// <summary>Completes once <paramref name="sequence"/> may be acknowledged to clients; throws (a
    /// <see cref="StorageUnavailableException"/>, 503) when it cannot be in time. The events stay committed here.</summary>
    ValueTask WaitAsync(long sequence);
}
