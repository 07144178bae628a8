namespace Spartan.Domain;

/// <summary>One priority's visible messages, sorted by (<see cref="Message.VisibleAtNanos"/>, <see cref="Message.Sequence"/>),
/// held in a window of one array: 8 bytes per message instead of a 48-byte tree node.</summary>
/// <remarks>
/// Arrivals (push, requeue, expiry) come with the loop's latest instant and the queue's next sequence, so they
/// append at the end; pops take the head; both are O(1) amortized. A delayed message whose delay ended before later
/// arrivals is inserted behind them by binary search (they are the few that arrived since), and a visible message
/// deleted before anyone popped it is cut out of the middle: both move the shorter side of the window, O(min(k, n − k))
/// reference copies (ADR 0009).
/// </remarks>
internal sealed class ReadyLine
{
    // A drained line gives its memory back (to half when a quarter is used), so one burst does not pin it.
    private const int MinShrinkLength = 64;
    private Message?[] _items = new Message?[4];
    private int _start;
    private int _end;

    public int Count => _end - _start;

    /// <summary>The first message in pop order; the line must not be empty.</summary>
    public Message Head => _items[_start]!;

    public void Add(Message message)
    {
        var at = _end;
        if (Count > 0 && Compare(_items[_end - 1]!, message) > 0) at = Find(message, out _);
        if (_end == _items.Length) at -= MakeRoomAtEnd();
        if (at < _end) Array.Copy(_items, at, _items, at + 1, _end - at);
        _items[at] = message;
        _end++;
    }

    /// <summary>Removes the message; false when it is not in the line.</summary>
    public bool Remove(Message message)
    {
        if (Count == 0) return false;
        int at;
        if (ReferenceEquals(_items[_start], message)) at = _start;
        else if (ReferenceEquals(_items[_end - 1], message)) at = _end - 1;
        else
        {
            at = Find(message, out var found);
            if (!found || !ReferenceEquals(_items[at], message)) return false;
        }

        if (at - _start < _end - 1 - at)
        {
            Array.Copy(_items, _start, _items, _start + 1, at - _start);
            _items[_start++] = null;
        }
        else
        {
            Array.Copy(_items, at + 1, _items, at, _end - 1 - at);
            _items[--_end] = null;
        }

        if (Count == 0) _start = _end = 0;
        else if (_items.Length > MinShrinkLength && Count < _items.Length / 4) Resize(_items.Length / 2);
        return true;
    }

    public void Clear()
    {
        _items = new Message?[4];
        _start = _end = 0;
    }

    /// <summary>Frees the end of the array: slides the window to the front when at least half of it is free,
    /// else doubles the array. Returns how far the window moved towards the front.</summary>
    private int MakeRoomAtEnd()
    {
        var shift = _start;
        if (Count > _items.Length / 2)
        {
            Resize(_items.Length * 2);
            return shift;
        }

        Array.Copy(_items, _start, _items, 0, Count);
        Array.Clear(_items, Count, _start);
        _end -= _start;
        _start = 0;
        return shift;
    }

    private void Resize(int length)
    {
        var items = new Message?[length];
        Array.Copy(_items, _start, items, 0, Count);
        _items = items;
        _end -= _start;
        _start = 0;
    }

    /// <summary>Binary search: the index of the message with the same key, or where it would be inserted.</summary>
    private int Find(Message message, out bool found)
    {
        int low = _start, high = _end - 1;
        while (low <= high)
        {
            var mid = low + ((high - low) >> 1);
            var c = Compare(_items[mid]!, message);
            if (c == 0)
            {
                found = true;
                return mid;
            }

            if (c < 0) low = mid + 1;
            else high = mid - 1;
        }

        found = false;
        return low;
    }

    private static int Compare(Message a, Message b) => MessageOrder.Delayed.Compare(a, b);
}
