using System.Buffers;
using System.IO.Pipelines;
using System.Net.Sockets;
using Spartan.Replication.Framing;
using Spartan.Replication.Protocol;

namespace Spartan.Replication;

/// <summary>One replication connection speaking framed protocol messages over a byte stream: TCP, TLS over TCP, or an
/// in-memory pipe in tests.</summary>
/// <remarks>Owned by one session loop; reads and writes may run on two tasks of that session (the primary reads
/// acks while it streams), never two writers. Failure: any I/O or protocol error surfaces as an exception to the
/// session, which drops the connection. A connection starts unauthenticated: frames either way are bounded to
/// <see cref="ProtocolVersion.MaxFrameBeforeAuth"/> until the session calls <see cref="Authenticated"/> (SPEC §9),
/// so a peer that has proven nothing can make this node buffer 64 KiB, not 256 MiB.</remarks>
public sealed class PeerConnection : IAsyncDisposable
{
    private readonly Stream _stream;
    private readonly PipeReader _input;
    private readonly PipeWriter _output;
    private readonly FrameReader _reader;
    private readonly FrameWriter _writer;
    private readonly ArrayBufferWriter<byte> _payload = new(4096);
    private int _maxFrame = ProtocolVersion.MaxFrameBeforeAuth;

    /// <summary>A plaintext connection over <paramref name="socket"/>, which it owns.</summary>
    public PeerConnection(Socket socket)
        : this(socket, new NetworkStream(socket, ownsSocket: true))
    {
    }

    /// <summary>A connection over <paramref name="stream"/> (a TLS stream over <paramref name="socket"/>); disposing
    /// the connection disposes the stream, which must own the socket.</summary>
    public PeerConnection(Socket socket, Stream stream)
        : this(stream, RemoteOf(socket))
    {
        socket.NoDelay = true;
    }

    /// <summary>A connection over <paramref name="stream"/>, which it owns, to the peer the log calls
    /// <paramref name="remote"/>.</summary>
    public PeerConnection(Stream stream, string remote)
    {
        ArgumentNullException.ThrowIfNull(stream);
        Remote = remote;
        _stream = stream;
        _input = PipeReader.Create(_stream, new StreamPipeReaderOptions(bufferSize: 64 * 1024));
        _output = PipeWriter.Create(_stream);
        _reader = new FrameReader(_input, ProtocolVersion.MaxFrameBeforeAuth);
        _writer = new FrameWriter(_output, ProtocolVersion.MaxFrame);
    }

    /// <summary>Who the peer is, as the log names it.</summary>
    public string Remote { get; }

    /// <summary>Whether <see cref="Authenticated"/> was called: frames may be as large as the protocol allows.</summary>
    public bool IsAuthenticated => _maxFrame == ProtocolVersion.MaxFrame;

    /// <summary>The handshake proved the peer: from now on frames may be up to <see cref="ProtocolVersion.MaxFrame"/>.</summary>
    public void Authenticated()
    {
        _maxFrame = ProtocolVersion.MaxFrame;
        _reader.MaxPayloadLength = ProtocolVersion.MaxFrame;
    }

    /// <summary>Reads the next frame; the payload is valid until the next read. Null when the peer closed.</summary>
    public ValueTask<Frame?> ReadAsync(CancellationToken ct) => _reader.ReadFrameAsync(ct);

    /// <summary>Reads a frame that must come, of one of the expected types.</summary>
    public async ValueTask<Frame> ExpectAsync(CancellationToken ct, params FrameType[] expected)
    {
        var frame = await ReadAsync(ct) ?? throw new ProtocolException("The peer closed the connection.");
        if (Array.IndexOf(expected, (FrameType)frame.Type) < 0)
            throw new ProtocolException($"Unexpected frame type {frame.Type}, expected {string.Join(" or ", expected)}.");
        return frame;
    }

    /// <summary>Buffers a frame whose payload <paramref name="write"/> produces; call <see cref="FlushAsync"/> to send.</summary>
    public void Write(FrameType type, Action<IBufferWriter<byte>> write)
    {
        _payload.ResetWrittenCount();
        write(_payload);
        WritePayload(type);
    }

    public void Write<TState>(FrameType type, TState state, Action<TState, IBufferWriter<byte>> write)
    {
        _payload.ResetWrittenCount();
        write(state, _payload);
        WritePayload(type);
    }

    public async Task SendAsync(FrameType type, Action<IBufferWriter<byte>> write, CancellationToken ct)
    {
        Write(type, write);
        await FlushAsync(ct);
    }

    public async Task FlushAsync(CancellationToken ct)
    {
        var flushed = await _writer.FlushAsync(ct);
        if (flushed.IsCompleted) throw new IOException("The peer stopped reading.");
    }

    /// <summary>Tells the peer why it is refused, as best it can, before the connection closes.</summary>
    public async Task RefuseAsync(string reason, CancellationToken ct)
    {
        try
        {
            await SendAsync(FrameType.Refused, o => WireCodec.WriteText(reason, o), ct);
        }
        catch (Exception error) when (error is IOException or SocketException or ObjectDisposedException or OperationCanceledException)
        {
            // The peer is gone already; the refusal is logged on this side anyway.
        }
    }

    /// <summary>Closes the connection. Completing the output flushes what is buffered, which fails on a dead link; the
    /// stream is closed whatever happens, and such a failure is not thrown: there is nobody left to tell.</summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            await _input.CompleteAsync();
            await _output.CompleteAsync();
        }
        catch (Exception error) when (error is IOException or System.Net.Sockets.SocketException or ObjectDisposedException
                                          or System.Security.Authentication.AuthenticationException or InvalidOperationException)
        {
            // The peer is gone.
        }
        finally
        {
            await _stream.DisposeAsync();
        }
    }

    private static string RemoteOf(Socket socket)
    {
        try
        {
            return socket.RemoteEndPoint?.ToString() ?? "?";
        }
        catch (SocketException)
        {
            return "?"; // reset already: the first read says so
        }
    }

    private void WritePayload(FrameType type)
    {
        // The peer would refuse it from the header anyway; failing here names the cause on the side that has it
        // (e.g. a Hello listing more queue names than fit in 64 KiB).
        if (_payload.WrittenCount > _maxFrame)
            throw new ProtocolException($"A {type} frame of {_payload.WrittenCount} bytes is above the {_maxFrame}-byte limit " +
                                        (IsAuthenticated ? "of the protocol." : "for frames before the handshake is authenticated."));
        _writer.Write((byte)type, _payload.WrittenSpan);
    }
}
