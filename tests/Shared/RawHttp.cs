using System.Net.Sockets;
using System.Text.Json;
using System.Text;

namespace Spartan.Tests.Shared;

/// <summary>One answer read off a raw socket: status line, headers and the de-chunked body.</summary>
internal sealed record RawResponse(int Status, IReadOnlyDictionary<string, string> Headers, byte[] Body)
{
    public string? Header(string name) => Headers.GetValueOrDefault(name);

    public string? MediaType => Header("Content-Type")?.Split(';')[0].Trim();

    public string Text => Encoding.UTF8.GetString(Body);

    /// <summary>The <c>title</c> of a problem+json body.</summary>
    public string? Title => JsonDocument.Parse(Body).RootElement.GetProperty("title").GetString();

    public string? Detail => JsonDocument.Parse(Body).RootElement.TryGetProperty("detail", out var d) ? d.GetString() : null;

    public override string ToString() => $"{Status} {Text}";
}

/// <summary>A TCP connection that speaks hand-written HTTP/1.1 bytes, so tests can send what no HTTP client would:
/// broken chunking, lying lengths, headers without a body. The server may answer early and close; writes that fail
/// because of that are reported, not thrown.</summary>
internal sealed class RawConnection : IAsyncDisposable
{
    private const int MaxHead = 64 * 1024;
    private readonly TcpClient _client;
    private readonly NetworkStream _stream;
    private readonly byte[] _buffer = new byte[64 * 1024];
    private int _start;
    private int _end;

    private RawConnection(TcpClient client)
    {
        _client = client;
        _stream = client.GetStream();
    }

    /// <summary>True once the server has closed its side (or reset the connection).</summary>
    public bool Closed { get; private set; }

    public static async Task<RawConnection> OpenAsync(Uri address, CancellationToken ct)
    {
        var client = new TcpClient { NoDelay = true };
        await client.ConnectAsync(address.Host, address.Port, ct);
        return new RawConnection(client);
    }

    /// <summary>Writes bytes; false when the server had already stopped reading (reset, broken pipe).</summary>
    public async Task<bool> WriteAsync(ReadOnlyMemory<byte> bytes, CancellationToken ct)
    {
        try
        {
            await _stream.WriteAsync(bytes, ct);
            return true;
        }
        catch (IOException)
        {
            return false;
        }
    }

    /// <summary>Reads one answer; null when the connection ends before a whole status line and headers arrive, or
    /// when what arrives is not HTTP/1.x (an HTTP/2 GOAWAY frame, say).</summary>
    public async Task<RawResponse?> ReadResponseAsync(CancellationToken ct, bool headRequest = false)
    {
        var headEnd = await FillUntilAsync("\r\n\r\n"u8.ToArray(), MaxHead, ct);
        if (headEnd < 0) return null;
        var head = Encoding.Latin1.GetString(_buffer, _start, headEnd - _start);
        _start = headEnd + 4;
        if (!head.StartsWith("HTTP/1.", StringComparison.Ordinal) || head.Length < 12) return null;

        var lines = head.Split("\r\n");
        var status = int.Parse(lines[0].AsSpan(9, 3), System.Globalization.CultureInfo.InvariantCulture);
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var line in lines.Skip(1))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0) headers[line[..colon].Trim()] = line[(colon + 1)..].Trim();
        }

        byte[] body;
        if (headRequest || status is 204 or 304 || status < 200) body = [];
        else if (headers.GetValueOrDefault("Transfer-Encoding")?.Contains("chunked", StringComparison.OrdinalIgnoreCase) == true)
            body = await ReadChunkedAsync(ct);
        else if (headers.TryGetValue("Content-Length", out var length))
            body = await ReadExactlyAsync(int.Parse(length, System.Globalization.CultureInfo.InvariantCulture), ct);
        else
            body = await ReadToEndAsync(ct);
        if (headers.GetValueOrDefault("Connection")?.Contains("close", StringComparison.OrdinalIgnoreCase) == true) Closed = true;
        return new RawResponse(status, headers, body);
    }

    /// <summary>Ends the request side (FIN), as a client that has nothing more to send.</summary>
    public void CloseSend()
    {
        try
        {
            _client.Client.Shutdown(SocketShutdown.Send);
        }
        catch (SocketException)
        {
            Closed = true;
        }
    }

    public ValueTask DisposeAsync()
    {
        _client.Dispose();
        return ValueTask.CompletedTask;
    }

    private async Task<byte[]> ReadChunkedAsync(CancellationToken ct)
    {
        using var body = new MemoryStream();
        while (true)
        {
            var lineEnd = await FillUntilAsync("\r\n"u8.ToArray(), 1024, ct);
            if (lineEnd < 0) throw new IOException("The connection ended inside a chunked body.");
            var sizeText = Encoding.Latin1.GetString(_buffer, _start, lineEnd - _start).Split(';')[0];
            _start = lineEnd + 2;
            var size = Convert.ToInt32(sizeText, 16);
            if (size == 0)
            {
                // Trailers (none expected) end with an empty line.
                if (await FillUntilAsync("\r\n"u8.ToArray(), MaxHead, ct) is var end and >= 0) _start = end + 2;
                return body.ToArray();
            }

            body.Write(await ReadExactlyAsync(size, ct));
            await ReadExactlyAsync(2, ct);
        }
    }

    private async Task<byte[]> ReadExactlyAsync(int count, CancellationToken ct)
    {
        var result = new byte[count];
        var copied = 0;
        while (copied < count)
        {
            if (_start == _end && !await FillAsync(ct)) throw new IOException($"The connection ended {count - copied} bytes short.");
            var take = Math.Min(count - copied, _end - _start);
            Array.Copy(_buffer, _start, result, copied, take);
            _start += take;
            copied += take;
        }

        return result;
    }

    private async Task<byte[]> ReadToEndAsync(CancellationToken ct)
    {
        using var body = new MemoryStream();
        do
        {
            body.Write(_buffer, _start, _end - _start);
            _start = _end;
        } while (await FillAsync(ct));

        return body.ToArray();
    }

    /// <summary>Reads until <paramref name="marker"/> is buffered; its index, or -1 when the connection ended (or
    /// <paramref name="max"/> bytes came) first.</summary>
    private async Task<int> FillUntilAsync(byte[] marker, int max, CancellationToken ct)
    {
        while (true)
        {
            var found = _buffer.AsSpan(_start, _end - _start).IndexOf(marker);
            if (found >= 0) return _start + found;
            if (_end - _start >= max || !await FillAsync(ct)) return -1;
        }
    }

    private async Task<bool> FillAsync(CancellationToken ct)
    {
        if (Closed && _start == _end) return false;
        if (_start > 0)
        {
            Array.Copy(_buffer, _start, _buffer, 0, _end - _start);
            _end -= _start;
            _start = 0;
        }

        if (_end == _buffer.Length) return false;
        int read;
        try
        {
            read = await _stream.ReadAsync(_buffer.AsMemory(_end), ct);
        }
        catch (IOException)
        {
            read = 0;
        }

        if (read == 0)
        {
            Closed = true;
            return false;
        }

        _end += read;
        return true;
    }
}

/// <summary>One raw request on a fresh connection.</summary>
internal static class RawHttp
{
    /// <summary>Sends <paramref name="head"/> (request line and headers, each line ending in CRLF, without the blank
    /// line) and then <paramref name="body"/>, and reads the answer; a write the server refused to read is ignored,
    /// as a client must when the server answers early.</summary>
    public static async Task<RawResponse> SendAsync(Uri address, string head, byte[]? body, CancellationToken ct)
    {
        await using var connection = await RawConnection.OpenAsync(address, ct);
        var bytes = Encoding.Latin1.GetBytes(head + "\r\n");
        await connection.WriteAsync(body is null ? bytes : [.. bytes, .. body], ct);
        return await connection.ReadResponseAsync(ct) ?? throw new IOException("The server closed the connection without answering.");
    }

    public static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);
}
