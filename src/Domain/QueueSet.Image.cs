namespace Spartan.Domain;

public sealed partial class QueueSet
{
    /// <summary>Copies every queue as it is after the event numbered <paramref name="sequence"/>.</summary>
    /// <remarks>Runs inside the commit loop, which it freezes, so it only copies references and values in one
    /// pass into preallocated arrays; encoding and writing happen elsewhere, from the returned image.</remarks>
    public StateImage Capture(long sequence)
    {
        var queues = new QueueImage[_queues.Count];
        var i = 0;
        foreach (var queue in _queues.Values) queues[i++] = queue.Capture();
        return new StateImage(sequence, queues);
    }

    /// <summary>Replaces the content of every queue named in <paramref name="image"/>, creating those not
    /// declared (as replay does), so that applying the events after <see cref="StateImage.Sequence"/> rebuilds
    /// the state the image was taken from.</summary>
    /// <remarks>Replaces whatever the set held (a replica installing its primary's snapshot): a declared queue the
    /// image does not mention ends up empty, any other such queue is gone (it was deleted, or never existed there).</remarks>
    public void Restore(StateImage image)
    {
        ArgumentNullException.ThrowIfNull(image);
        var named = new HashSet<string>(StringComparer.Ordinal);
        foreach (var queue in image.Queues) named.Add(queue.Name);
        foreach (var existing in _queues.Values.ToArray())
        {
            if (named.Contains(existing.Name)) continue;
            if (_declared.Contains(existing.Name)) existing.Restore(new QueueImage(existing.Name, 0, [], null));
            else if (_queues.Remove(existing.Name)) QueuesVersion++;
        }

        foreach (var queue in image.Queues) ForReplay(queue.Name).Restore(queue);
    }
}
