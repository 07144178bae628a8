namespace Spartan.Replication.Tls;

/// <summary>A stream that lets at most a fixed number of bytes be read from the stream under it until
/// <see cref="Lift"/> is called: the TLS handshake of a peer that has proven nothing yet is bounded like its first
/// frames (SPEC §9), whatever the TLS stack would be willing to buffer.</summary>
/// <remarks>Used by one connection: the TLS stream reads and writes through it (one reader, one writer at a time).
/// Failure: reading past the budget throws <see cref="TlsBudgetExceededException"/> and reads nothing more; the
/// handshake fails and the owner drops the connection.</remarks>
internal sealed class ReadBudgetStream(Stream inner, int budget) : Stream
{
    private int _left = budget;
    private volatile bool _lifted;

    public int Budget { get; } = budget;

    /// <summary>Bytes read so far while counted.</summary>
    public int Received => Budget - _left;

    /// <summary>The peer is authenticated: reads are no longer counted.</summary>
    public void Lift() => _lifted = true;

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        if (_lifted) return inner.Read(buffer);
        return Count(inner.Read(buffer[..Allowance(buffer.Length)]));
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (_lifted) return await inner.ReadAsync(buffer, cancellationToken);
        return Count(await inner.ReadAsync(buffer[..Allowance(buffer.Length)], cancellationToken));
    }

    public override void Write(byte[] buffer, int offset, int count) => inner.Write(buffer, offset, count);

    public override void Write(ReadOnlySpan<byte> buffer) => inner.Write(buffer);

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        inner.WriteAsync(buffer, offset, count, cancellationToken);

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) =>
        inner.WriteAsync(buffer, cancellationToken);

    public override void Flush() => inner.Flush();

    public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing) inner.Dispose();
        base.Dispose(disposing);
    }

    public override async ValueTask DisposeAsync()
    {
        await inner.DisposeAsync();
        await base.DisposeAsync();
    }

    private int Allowance(int wanted)
    {
        if (wanted > 0 && _left <= 0) throw new TlsBudgetExceededException(Budget);
        return Math.Min(wanted, _left);
    }

    private int Count(int read)
    {
        _left -= read;
        return read;
    }
}

/// <summary>The peer sent more than the pre-authentication budget during the TLS handshake.</summary>
public sealed class TlsBudgetExceededException(int budget)
    : IOException($"the peer sent more than {budget / 1024} KiB during the TLS handshake, before authenticating");
