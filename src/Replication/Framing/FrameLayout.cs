namespace Spartan.Replication.Framing;

/// <summary>
/// Wire layout of one replication frame: <c>[payload length: uint32 big-endian][type: 1 byte][payload]</c>.
/// </summary>
/// <remarks>
/// The length counts the payload only (not the 5-byte header), so an empty payload is a
/// valid 5-byte frame. Big-endian because it is the network convention and makes hex dumps
/// readable. The type byte is opaque here: the replication protocol above assigns meanings
/// (handshake, event batch, ack, snapshot chunk, ...); magic and version belong to that
/// handshake, not to every frame. Frames follow each other with no padding or trailer.
/// </remarks>
public static class FrameLayout
{
    /// <summary>Bytes before the payload: 4 for the length, 1 for the type.</summary>
    public const int HeaderLength = 5;

    internal const int TypeOffset = 4;
}
