using System.Collections.Frozen;
using System.Security.Cryptography;
using System.Text;
using Spartan.Api.Configuration;

namespace Spartan.Api.Http;

/// <summary>What an <c>Authorization</c> header is worth for one queue.</summary>
public enum AccessResult
{
    Granted,
    NoHeader,
    IncorrectHeader,
    Denied,
}

/// <summary>The configured access keys (SPEC §9). Keys are kept as SHA-256 digests and every digest is compared
/// in constant time, so neither a key's bytes nor which key matched leaks through timing.</summary>
/// <remarks>Read by every request thread; <see cref="Replace"/> (SIGHUP) swaps the whole set at once, so a request
/// sees either the old keys or the new ones, never a mix.</remarks>
public sealed class AccessKeys
{
    private const string Scheme = "Bearer ";
    private static readonly Entry Open = new([], true, FrozenSet<string>.Empty);
    private Entry[] _entries;
    private FrozenDictionary<string, SigningKey> _signing;

    public AccessKeys(IReadOnlyList<AccessKeyConfig> keys)
    {
        _entries = Digest(keys);
        _signing = Signing(keys);
    }

    /// <summary>False when no keys are configured: every route is open (SPEC §4).</summary>
    public bool Required => Volatile.Read(ref _entries).Length > 0;

    /// <summary>How many keys are configured.</summary>
    public int Count => Volatile.Read(ref _entries).Length;

    /// <summary>Puts <paramref name="keys"/> in force for every request from now on (SPEC §5: SIGHUP).</summary>
    public void Replace(IReadOnlyList<AccessKeyConfig> keys)
    {
        // Ids first: a request that sees the new keys required also finds their ids.
        Volatile.Write(ref _signing, Signing(keys));
        Volatile.Write(ref _entries, Digest(keys));
    }

    /// <summary>The key an SQS client signs with, by its <c>id</c> (SPEC §11); false for an id no key has.</summary>
    public bool TryGetSigningKey(string id, out SigningKey key)
    {
        var found = Volatile.Read(ref _signing).TryGetValue(id, out var match);
        key = match!;
        return found;
    }

    public AccessResult Check(string? header, string queue)
    {
        if (!Required) return AccessResult.Granted;
        var found = Find(header, out var entry);
        if (found != AccessResult.Granted) return found;
        return entry!.All || entry.Queues.Contains(queue) ? AccessResult.Granted : AccessResult.Denied;
    }

    /// <summary>Checks a header that must carry any valid key, and tells which queues that key covers
    /// (<c>/_/queues</c>); without configured keys every queue is covered.</summary>
    public AccessResult CheckAny(string? header, out Func<string, bool> covers)
    {
        covers = static _ => true;
        if (!Required) return AccessResult.Granted;
        var found = Find(header, out var entry);
        if (found == AccessResult.Granted && !entry!.All) covers = entry.Queues.Contains;
        return found;
    }

    /// <summary>Which queues the header's key covers, for a route the gate has already granted to any valid key.</summary>
    public Func<string, bool> Coverage(string? header)
    {
        CheckAny(header, out var covers);
        return covers;
    }

    /// <summary>Checks a header that must carry a wildcard key (<c>/_/metrics</c>).</summary>
    public AccessResult CheckWildcard(string? header)
    {
        if (!Required) return AccessResult.Granted;
        var found = Find(header, out var entry);
        return found != AccessResult.Granted ? found : entry!.All ? AccessResult.Granted : AccessResult.Denied;
    }

    private AccessResult Find(string? header, out Entry? match)
    {
        match = null;
        var entries = Volatile.Read(ref _entries);
        if (entries.Length == 0)
        {
            // The keys were removed (SIGHUP) after the caller checked Required: everything is open now.
            match = Open;
            return AccessResult.Granted;
        }

        if (string.IsNullOrEmpty(header)) return AccessResult.NoHeader;
        // The scheme is case-insensitive and followed by exactly one space and a non-empty key.
        if (header.Length <= Scheme.Length || !header.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase)
            || header[Scheme.Length] == ' ')
            return AccessResult.IncorrectHeader;

        Span<byte> presented = stackalloc byte[SHA256.HashSizeInBytes];
        var keyBytes = Encoding.UTF8.GetBytes(header, Scheme.Length, header.Length - Scheme.Length);
        SHA256.HashData(keyBytes, presented);
        foreach (var entry in entries)
            if (CryptographicOperations.FixedTimeEquals(presented, entry.Digest) && match is null)
                match = entry;
        return match is null ? AccessResult.Denied : AccessResult.Granted;
    }

    private static Entry[] Digest(IReadOnlyList<AccessKeyConfig> keys)
    {
        var entries = new Entry[keys.Count];
        for (var i = 0; i < keys.Count; i++)
        {
            var key = keys[i];
            entries[i] = new Entry(SHA256.HashData(Encoding.UTF8.GetBytes(key.Key)), key.Queues.Contains(AccessKeyConfig.Wildcard),
                key.Queues.ToFrozenSet(StringComparer.Ordinal));
        }

        return entries;
    }

    private static FrozenDictionary<string, SigningKey> Signing(IReadOnlyList<AccessKeyConfig> keys)
    {
        var byId = new Dictionary<string, SigningKey>(StringComparer.Ordinal);
        foreach (var key in keys)
            if (key.Id is { } id)
                byId[id] = new SigningKey(key.Key, key.Queues.Contains(AccessKeyConfig.Wildcard), key.Queues.ToFrozenSet(StringComparer.Ordinal));
        return byId.ToFrozenDictionary(StringComparer.Ordinal);
    }

    private sealed record Entry(byte[] Digest, bool All, FrozenSet<string> Queues);
}

/// <summary>A key with an id, as SigV4 needs it: the secret in plain (it is an HMAC key) and the queues it covers.</summary>
public sealed record SigningKey(string Secret, bool All, FrozenSet<string> Queues)
{
    public bool Covers(string queue) => All || Queues.Contains(queue);

    /// <summary>Never the secret, so that a logged key gives nothing away.</summary>
    public override string ToString() => $"SigningKey {{ All = {All}, Queues = {Queues.Count} }}";
}
