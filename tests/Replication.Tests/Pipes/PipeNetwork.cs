using System.Buffers;
using System.Collections.Concurrent;
using System.IO.Pipelines;
using System.Net;
using System.Threading.Channels;
using Spartan.Replication.Transport;

namespace Spartan.Replication.Tests.Pipes;

/// <summary>A replica's listener and a primary's dialer joined by in-memory pipes: no socket, nothing that waits on the
/// wall clock. It can be made unreachable (dials fail at once) and every link made so far can be cut.</summary>
internal sealed class PipeNetwork(TimeProvider time) : IReplicationListener
{
    private readonly Channel<IncomingLink> _incoming = Channel.CreateUnbounded<IncomingLink>();
    private readonly ConcurrentQueue<Stream> _ends = new();
    private readonly ConcurrentQueue<DateTimeOffset> _dials = new();
    private volatile bool _reachable = true;
    private int _links;

    /// <summary>While false, a dial fails at once, as a connect to a port nobody listens on.</summary>
    public bool Reachable
    {
        get => _reachable;
        set => _reachable = value;
    }

    /// <summary>When each dial was attempted, on the test's clock.</summary>
    public IReadOnlyList<DateTimeOffset> Dials => [.. _dials];

    public EndPoint? LocalEndPoint => null;

    public void Start()
    {
    }

    /// <summary>The primary's dialer.</summary>
    public ValueTask<Stream> DialAsync(CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        _dials.Enqueue(time.GetUtcNow());
        if (!_reachable) throw new IOException("connection refused (the test network is down)");
        return ValueTask.FromResult(Connect());
    }

    /// <summary>A connection the listener accepts; returns the dialing end (a raw peer in a test).</summary>
    public Stream Connect()
    {
        var toListener = new Pipe();
        var toDialer = new Pipe();
        var dialer = new PipeEnd(toDialer.Reader, toListener.Writer);
        var listener = new PipeEnd(toListener.Reader, toDialer.Writer);
        _ends.Enqueue(dialer);
        _ends.Enqueue(listener);
        _incoming.Writer.TryWrite(new IncomingLink(listener, $"pipe-{Interlocked.Increment(ref _links)}"));
        return dialer;
    }

    public ValueTask<IncomingLink> AcceptAsync(CancellationToken ct) => _incoming.Reader.ReadAsync(ct);

    /// <summary>Closes both ends of every link made so far, as a cable pulled out.</summary>
    public void Cut()
    {
        while (_ends.TryDequeue(out var end)) end.Dispose();
    }

    public void Dispose()
    {
        _incoming.Writer.TryComplete();
        Cut();
    }
}

/// <summary>One end of an in-memory link: reads what the other end wrote, writes what it reads. Disposing it ends both
/// directions, so the other end reads the end of the stream and its writes fail.</summary>
internal sealed class PipeEnd(PipeReader input, PipeWriter output) : Stream
{
    private volatile bool _disposed;

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var result = await input.ReadAsync(cancellationToken);
        var data = result.Buffer;
        var count = (int)Math.Min(buffer.Length, data.Length);
        data.Slice(0, count).CopyTo(buffer.Span);
        input.AdvanceTo(data.GetPosition(count));
        return count; // 0 only once the other end is gone (or for an empty buffer)
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer, offset, count).GetAwaiter().GetResult();

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if ((await output.WriteAsync(buffer, cancellationToken)).IsCompleted) throw new IOException("The other end of the pipe is closed.");
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Write(byte[] buffer, int offset, int count) => WriteAsync(buffer, offset, count).GetAwaiter().GetResult();

    public override void Flush()
    {
    }

    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing && !_disposed)
        {
            _disposed = true;
            input.Complete();
            output.Complete();
        }

        base.Dispose(disposing);
    }
}
