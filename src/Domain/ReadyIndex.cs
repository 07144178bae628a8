using System.Numerics;
using NodaTime;

namespace Spartan.Domain;

/// <summary>The visible line of a queue: one <see cref="ReadyLine"/> per priority, each ordered by the instant its
/// messages became visible, and a 256-bit map of the non-empty ones. Pop is the head of the highest non-empty line
/// (a bit scan plus O(1)); the oldest visible message is the earliest among at most 256 heads.</summary>
internal sealed class ReadyIndex
{
    private readonly ReadyLine?[] _buckets = new ReadyLine?[256];
    private readonly ulong[] _nonEmpty = new ulong[4];

    public int Count { get; private set; }

    /// <summary>The message pop takes (SPEC §2.2), or null.</summary>
    public Message? Min
    {
        get
        {
            for (var word = 3; word >= 0; word--)
            {
                var bits = _nonEmpty[word];
                if (bits != 0) return _buckets[word * 64 + 63 - BitOperations.LeadingZeroCount(bits)]!.Head;
            }

            return null;
        }
    }

    /// <summary>The earliest instant at which a message now visible became visible, or null.</summary>
    public Instant? OldestVisibleAt
    {
        get
        {
            Instant? oldest = null;
            for (var word = 0; word < 4; word++)
            {
                var bits = _nonEmpty[word];
                while (bits != 0)
                {
                    var head = _buckets[word * 64 + BitOperations.TrailingZeroCount(bits)]!.Head.VisibleAt;
                    if (oldest is null || head < oldest) oldest = head;
                    bits &= bits - 1;
                }
            }

            return oldest;
        }
    }

    public void Add(Message message)
    {
        var bucket = _buckets[message.Priority] ??= new ReadyLine();
        bucket.Add(message);
        _nonEmpty[message.Priority >> 6] |= 1UL << (message.Priority & 63);
        Count++;
    }

    public bool Remove(Message message)
    {
        var bucket = _buckets[message.Priority];
        if (bucket is null || !bucket.Remove(message)) return false;
        if (bucket.Count == 0) _nonEmpty[message.Priority >> 6] &= ~(1UL << (message.Priority & 63));
        Count--;
        return true;
    }

    public void Clear()
    {
        foreach (var bucket in _buckets) bucket?.Clear();
        Array.Clear(_nonEmpty);
        Count = 0;
    }
}
