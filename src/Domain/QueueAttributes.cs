using System.Collections.Frozen;

namespace Spartan.Domain;

/// <summary>A queue's settings that Spartan keeps without acting on them itself: SQS attributes it has no native field for
/// (<c>ReceiveMessageWaitTimeSeconds</c>, <c>MessageRetentionPeriod</c>, …) and tags (<c>tag:</c> + key), so that what an
/// SQS client sets, it reads back (SPEC §11). Compared by value.</summary>
public sealed class QueueAttributes : IEquatable<QueueAttributes>
{
    /// <summary>The prefix of a tag's entry.</summary>
    public const string TagPrefix = "tag:";

    private readonly FrozenDictionary<string, string> _values;

    private QueueAttributes(FrozenDictionary<string, string> values) => _values = values;

    /// <summary>None.</summary>
    public static QueueAttributes Empty { get; } = new(FrozenDictionary<string, string>.Empty);

    public int Count => _values.Count;

    /// <summary>The entries, in no particular order.</summary>
    public IReadOnlyDictionary<string, string> Values => _values;

    public static QueueAttributes From(IEnumerable<KeyValuePair<string, string>> values)
    {
        var frozen = values.ToFrozenDictionary(StringComparer.Ordinal);
        return frozen.Count == 0 ? Empty : new QueueAttributes(frozen);
    }

    /// <summary>These entries with <paramref name="changes"/> applied: a null value removes the entry.</summary>
    public QueueAttributes With(IEnumerable<KeyValuePair<string, string?>> changes)
    {
        var merged = new Dictionary<string, string>(_values, StringComparer.Ordinal);
        foreach (var (key, value) in changes)
        {
            if (value is null) merged.Remove(key);
            else merged[key] = value;
        }

        return From(merged);
    }

    /// <summary>The entries that are not tags.</summary>
    public QueueAttributes WithoutTags()
    {
        foreach (var key in _values.Keys)
            if (key.StartsWith(TagPrefix, StringComparison.Ordinal))
                return From(_values.Where(e => !e.Key.StartsWith(TagPrefix, StringComparison.Ordinal)));
        return this;
    }

    public string? this[string key] => _values.GetValueOrDefault(key);

    public bool Equals(QueueAttributes? other)
    {
        if (ReferenceEquals(this, other)) return true;
        if (other is null || other._values.Count != _values.Count) return false;
        foreach (var (key, value) in _values)
            if (!other._values.TryGetValue(key, out var theirs) || theirs != value) return false;
        return true;
    }

    public override bool Equals(object? obj) => Equals(obj as QueueAttributes);

    /// <summary>The entries sorted by key, for logs and tests.</summary>
    public override string ToString() =>
        "{" + string.Join(", ", _values.OrderBy(e => e.Key, StringComparer.Ordinal).Select(e => $"{e.Key}={e.Value}")) + "}";

    public override int GetHashCode()
    {
        var hash = 0;
        foreach (var (key, value) in _values) hash ^= HashCode.Combine(key, value); // order-independent
        return hash;
    }
}
