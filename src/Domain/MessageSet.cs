namespace Spartan.Domain;

/// <summary>The messages of one queue, found by id in O(1).</summary>
/// <remarks>A set of the messages themselves, keyed by their own <see cref="Message.Id"/> through an alternate
/// lookup, rather than a <c>Dictionary&lt;Guid, Message&gt;</c>: an entry is 16 bytes instead of 32, which is
/// 16 MB less (and 32 MB less garbage when it grows) per million messages held.</remarks>
internal sealed class MessageSet
{
    private readonly HashSet<Message> _set = new(ById.Instance);
    private readonly HashSet<Message>.AlternateLookup<Guid> _byId;

    public MessageSet() => _byId = _set.GetAlternateLookup<Guid>();

    public int Count => _set.Count;

    public Message? Find(Guid id) => _byId.TryGetValue(id, out var message) ? message : null;

    /// <summary>Adds the message; false when one with its id is already held.</summary>
    public bool TryAdd(Message message) => _set.Add(message);

    public bool Remove(Message message) => _set.Remove(message);

    public void Clear() => _set.Clear();

    public void EnsureCapacity(int capacity) => _set.EnsureCapacity(capacity);

    public HashSet<Message>.Enumerator GetEnumerator() => _set.GetEnumerator();

    private sealed class ById : IEqualityComparer<Message>, IAlternateEqualityComparer<Guid, Message>
    {
        public static readonly ById Instance = new();

        public bool Equals(Message? x, Message? y) => ReferenceEquals(x, y) || (x is not null && y is not null && x.Id == y.Id);

        public int GetHashCode(Message message) => message.Id.GetHashCode();

        public bool Equals(Guid alternate, Message other) => other.Id == alternate;

        public int GetHashCode(Guid alternate) => alternate.GetHashCode();

        public Message Create(Guid alternate) =>
            throw new NotSupportedException("Messages are added whole, never made from an id.");
    }
}
