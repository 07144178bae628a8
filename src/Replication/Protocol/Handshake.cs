using System.Security.Cryptography;
using System.Text;

namespace Spartan.Replication.Protocol;

/// <summary>The checks of the handshake (SPEC §7): version, queue set, and an HMAC challenge–response in both
/// directions when a secret is set, so the secret itself never crosses the wire.</summary>
public static class Handshake
{
    private static readonly byte[] PrimaryLabel = "spartan-primary"u8.ToArray();
    private static readonly byte[] ReplicaLabel = "spartan-replica"u8.ToArray();

    public static byte[] NewChallenge() => RandomNumberGenerator.GetBytes(32);

    /// <summary>The proof that the replica holds <paramref name="secret"/>, for the primary's challenge.</summary>
    public static byte[] ReplicaProof(string? secret, byte[] challenge) => Proof(secret, challenge, ReplicaLabel);

    /// <summary>The proof that the primary holds <paramref name="secret"/>, for the replica's challenge.</summary>
    public static byte[] PrimaryProof(string? secret, byte[] challenge) => Proof(secret, challenge, PrimaryLabel);

    public static bool Matches(byte[] expected, byte[] presented) =>
        CryptographicOperations.FixedTimeEquals(expected, presented);

    /// <summary>Why two nodes cannot replicate, or null when they can (SPEC §7: versions and queue sets must match;
    /// differing queue settings only warn).</summary>
    public static string? Incompatibility(uint ourVersion, IReadOnlyList<string> ourQueues, uint theirVersion,
        IReadOnlyList<string> theirQueues)
    {
        if (ourVersion != theirVersion)
            return $"protocol version mismatch: this node speaks {ourVersion}, the peer {theirVersion}";
        var ours = new SortedSet<string>(ourQueues, StringComparer.Ordinal);
        var theirs = new SortedSet<string>(theirQueues, StringComparer.Ordinal);
        if (ours.SetEquals(theirs)) return null;
        return $"queue sets differ: this node has [{string.Join(", ", ours)}], the peer [{string.Join(", ", theirs)}]";
    }

    /// <summary>A digest of the queue settings, compared only to warn.</summary>
    public static string SettingsDigest(IEnumerable<string> settingsLines) =>
        Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join('\n', settingsLines.Order(StringComparer.Ordinal)))))[..16];

    private static byte[] Proof(string? secret, byte[] challenge, byte[] label)
    {
        // Without a secret the proof is empty on both sides; with one, an HMAC over label and challenge.
        if (string.IsNullOrEmpty(secret)) return [];
        var message = new byte[label.Length + challenge.Length];
        label.CopyTo(message, 0);
        challenge.CopyTo(message, label.Length);
        return HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), message);
    }
}
