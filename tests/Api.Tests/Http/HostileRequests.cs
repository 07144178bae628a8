using System.Text;

namespace Spartan.Api.Tests.Http;

/// <summary>How a hostile request ends, which tells the sender whether to wait for an answer.</summary>
internal enum Framing
{
    /// <summary>The server can tell where the request ends (or rejects it from what it has): it must answer.</summary>
    Complete,

    /// <summary>The server may wait for bytes that never come; the sender closes its side instead of waiting.</summary>
    Open,
}

/// <summary>One generated request: its bytes, how it ends, and what the generator made of it.</summary>
internal sealed record HostileRequest(string Kind, byte[] Bytes, Framing Framing, bool HeadMethod = false, bool LeavesBytes = false)
{
    /// <summary>True for the kinds whose request line names an HTTP version other than 1.0 and 1.1 (the HTTP/2
    /// preface is one: <c>PRI * HTTP/2.0</c>), which Kestrel answers with 505 before any application code runs.</summary>
    public static bool NamesUnknownVersion(string kind) => kind is "version" or "h2";
}

/// <summary>Makes malformed HTTP/1.1 requests from a seeded <see cref="Random"/>: random bytes, truncated requests,
/// broken JSON, deep nesting, invalid UTF-8, bad chunking, lying lengths, huge and many headers, path tricks, odd
/// methods and versions, HTTP/1.0 and an HTTP/2 preface. Requests with a key use one that covers only
/// <c>q</c>, so nothing they do can touch another queue's data.</summary>
internal sealed class HostileRequests(Random random, string key)
{
    private static readonly string[] BodyRoutes =
        ["POST /q", "POST /q/batch", "DELETE /q", "DELETE /q/batch", "POST /q/touch", "POST /q/requeue", "POST /kept", "POST /nope"];

    private static readonly string[] Paths =
    [
        "/q", "/q/size", "/q/../kept", "/%2e%2e/kept", "/q/%2e%2e/%2e%2e/kept", "//q", "//", "/q//size", "/q%2Fsize",
        "/q%2fbatch", "/kept%00", "/%00", "/q/messages/%00", "/q/messages/..%2F..%2Fetc%2Fpasswd", "/%C3%A9", "/%FF%FE",
        "/q%20", "/q?wait=abc", "/q?wait=99999999999999999999", "/q/batch?count=-1", "/q/batch?count=1e9",
        "/_/queues", "/_/metrics", "/_/health?ready=%ZZ", "/_", "/_/", "/_test_url_cache_", "/q/messages/not-a-uuid",
        "/q#fragment", "/q;param", "/.%2e/kept", "/\\kept", "/%5Ckept", "/*", "*",
        // Raw bytes that are not UTF-8 (sent as Latin-1), control characters and odd queue names.
        "/\u00ff\u00fe", "/q/\u0080size", "/\u00c3", "/q%0d%0aX-Injected:%201", "/q%09", "/_kept", "/-", "/%7e%7e", "/q.json",
    ];

    private static readonly string[] Methods =
        ["GET", "POST", "DELETE", "PUT", "PATCH", "OPTIONS", "TRACE", "BREW", "get", "CONNECT", "M-SEARCH", "PROPFIND", "HEAD"];

    private const string JsonNoise = "{}[]\":,\\ 0x-e";

    private static readonly string[] Versions = ["HTTP/1.2", "HTTP/2.0", "HTTX/1.1", "http/1.1", "HTTP/1", "HTTP/1.1.1"];

    public HostileRequest Next() => random.Next(16) switch
    {
        0 => RandomBytes(),
        1 => Truncated(),
        2 or 3 => BrokenJson(),
        4 => DeepJson(),
        5 => InvalidUtf8(),
        6 => BadChunking(),
        7 => LengthMismatch(),
        8 => HugeHeaders(),
        9 or 10 => PathTrick(),
        11 => OddMethod(),
        12 => OddVersion(),
        13 => Http2Preface(),
        14 => BadHeaderSyntax(),
        _ => Valid(),
    };

    private string Auth() => random.Next(5) switch
    {
        0 => "",
        1 => "Authorization: Bearer nobody\r\n",
        2 => "Authorization: Bearer  " + key + "\r\n",
        _ => $"Authorization: Bearer {key}\r\n",
    };

    private static HostileRequest Request(string kind, string line, string headers, byte[] body, Framing framing = Framing.Complete) =>
        new(kind, [.. Encoding.Latin1.GetBytes($"{line} HTTP/1.1\r\nHost: t\r\n{headers}Content-Length: {body.Length}\r\n\r\n"), .. body], framing);

    private HostileRequest RandomBytes()
    {
        var bytes = new byte[random.Next(1, 2048)];
        random.NextBytes(bytes);
        return new HostileRequest("random", bytes, Framing.Open);
    }

    private HostileRequest Truncated()
    {
        var whole = Request("truncated", "POST /q", Auth(), Encoding.UTF8.GetBytes("""{"body":"hello","priority":3}""")).Bytes;
        return new HostileRequest("truncated", whole[..random.Next(1, whole.Length)], Framing.Open);
    }

    private HostileRequest BrokenJson()
    {
        var json = Encoding.UTF8.GetBytes(random.Next(3) switch
        {
            0 => """{"body":"a message","offset":60,"max_tries":3,"attributes":{"k":"v"}}""",
            1 => """{"messages":[{"body":"one"},{"body":"two","priority":9}]}""",
            _ => """{"id":"6f1c4a8e-2b9d-4d1e-9c7a-0a5f3e2d1b00","receipt":"x","timeout":5}""",
        });
        for (var i = random.Next(1, 6); i > 0; i--)
        {
            var at = random.Next(json.Length);
            json = random.Next(3) switch
            {
                0 => json[..at],
                1 => [.. json[..at], (byte)JsonNoise[random.Next(JsonNoise.Length)], .. json[at..]],
                _ => [.. json[..at], .. json[Math.Min(json.Length, at + random.Next(1, 8))..]],
            };
        }

        return Request("json", BodyRoutes[random.Next(BodyRoutes.Length)], Auth(), json);
    }

    private HostileRequest DeepJson()
    {
        var depth = random.Next(2) == 0 ? 10_000 : random.Next(9, 64);
        var open = random.Next(2) == 0 ? "[" : "{\"body\":";
        var json = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat(open, depth)) + "1" +
                                          string.Concat(Enumerable.Repeat(open == "[" ? "]" : "}", depth)));
        return Request("deep", BodyRoutes[random.Next(BodyRoutes.Length)], Auth(), json);
    }

    private HostileRequest InvalidUtf8()
    {
        byte[][] bad = [[0xFF], [0xC3], [0xED, 0xA0, 0x80], [0xF8, 0x88, 0x80, 0x80, 0x80], [0xC0, 0xAF], [0x00]];
        var json = new List<byte>("{\"body\":\""u8.ToArray());
        for (var i = random.Next(1, 200); i > 0; i--) json.AddRange(random.Next(3) == 0 ? bad[random.Next(bad.Length)] : "ab"u8.ToArray());
        if (random.Next(2) == 0)
        {
            json.AddRange("\",\"attributes\":{\""u8.ToArray());
            json.Add(0xFF);
            json.AddRange("\":\"v\"}}"u8.ToArray());
        }
        else
        {
            json.AddRange("\"}"u8.ToArray());
        }

        return Request("utf8", BodyRoutes[random.Next(BodyRoutes.Length)], Auth(), json.ToArray());
    }

    private HostileRequest BadChunking()
    {
        const string data = """{"body":"x"}""";
        var (body, framing) = random.Next(7) switch
        {
            0 => ($"80000000\r\n{data}\r\n0\r\n\r\n", Framing.Complete),
            1 => ($"ffffffffffffffffff\r\n{data}\r\n0\r\n\r\n", Framing.Complete),
            2 => ($"zz\r\n{data}\r\n0\r\n\r\n", Framing.Complete),
            3 => ($"5\r\n{data}\r\n0\r\n\r\n", Framing.Complete), // longer than its size
            4 => ($"64\r\n{data}\r\n0\r\n\r\n", Framing.Open), // shorter than its size
            5 => ($"{data.Length:x}\r\n{data}\r\n", Framing.Open), // no last chunk
            _ => ($"{data.Length:x};ext=\"\r\n{data}\r\n0\r\n\r\n", Framing.Open),
        };
        var line = BodyRoutes[random.Next(BodyRoutes.Length)];
        return new HostileRequest("chunked",
            Encoding.Latin1.GetBytes($"{line} HTTP/1.1\r\nHost: t\r\n{Auth()}Transfer-Encoding: chunked\r\n\r\n{body}"), framing);
    }

    private HostileRequest LengthMismatch()
    {
        var body = """{"body":"length"}""";
        var longer = random.Next(2) == 0;
        var length = longer ? body.Length + random.Next(1, 5000) : random.Next(0, body.Length);
        var line = BodyRoutes[random.Next(BodyRoutes.Length)];
        // A shorter length leaves the rest of the body on the connection, where it would spoil the next answer.
        return new HostileRequest("length",
            Encoding.Latin1.GetBytes($"{line} HTTP/1.1\r\nHost: t\r\n{Auth()}Content-Length: {length}\r\n\r\n{body}"),
            longer ? Framing.Open : Framing.Complete, LeavesBytes: !longer);
    }

    private HostileRequest HugeHeaders()
    {
        var headers = random.Next(3) switch
        {
            0 => $"X-Big: {new string('a', random.Next(33_000, 70_000))}\r\n",
            1 => string.Concat(Enumerable.Range(0, random.Next(101, 400)).Select(i => $"X-{i}: {i}\r\n")),
            _ => $"Authorization: Bearer {new string('k', random.Next(8_000, 30_000))}\r\n",
        };
        return Request("headers", "GET /q", headers, []);
    }

    private HostileRequest PathTrick()
    {
        var path = random.Next(8) == 0 ? "/" + new string('q', random.Next(100, 12_000)) : Paths[random.Next(Paths.Length)];
        var method = random.Next(3) == 0 ? "POST" : "GET";
        var body = method == "POST" ? """{"body":"path"}"""u8.ToArray() : [];
        return Request("path", $"{method} {path}", Auth(), body);
    }

    private HostileRequest OddMethod()
    {
        var method = Methods[random.Next(Methods.Length)];
        var target = method == "CONNECT" ? "t:1" : "/q";
        var request = Request("method", $"{method} {target}", Auth(), []);
        return request with { HeadMethod = method == "HEAD" };
    }

    private HostileRequest OddVersion()
    {
        if (random.Next(3) == 0)
            return new HostileRequest("http10", Encoding.Latin1.GetBytes(
                $"POST /q HTTP/1.0\r\n{Auth()}{(random.Next(2) == 0 ? "Connection: keep-alive\r\n" : "")}Content-Length: 2\r\n\r\n{{}}"),
                Framing.Complete);
        var version = Versions[random.Next(Versions.Length)];
        return new HostileRequest("version", Encoding.Latin1.GetBytes($"GET /q {version}\r\nHost: t\r\n\r\n"), Framing.Complete);
    }

    private static HostileRequest Http2Preface() =>
        new("h2", [.. "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"u8, 0, 0, 12, 4, 0, 0, 0, 0, 0, 0, 3, 0, 0, 0, 100, 0, 4, 0, 1, 0, 0], Framing.Open);

    private HostileRequest BadHeaderSyntax()
    {
        var header = random.Next(7) switch
        {
            0 => "NoColon\r\n",
            1 => "X-Null: a\0b\r\n",
            2 => "Bad Name: v\r\n",
            3 => "X-Folded: a\r\n b\r\n",
            4 => "Content-Length: 3\r\nContent-Length: 4\r\n",
            5 => "Content-Length: -1\r\n",
            _ => "Transfer-Encoding: gzip\r\n",
        };
        return new HostileRequest("header", Encoding.Latin1.GetBytes($"POST /q HTTP/1.1\r\nHost: t\r\n{header}\r\n"), Framing.Complete);
    }

    private HostileRequest Valid() => random.Next(2) == 0
        ? new HostileRequest("valid", Encoding.Latin1.GetBytes($"GET /q/size HTTP/1.1\r\nHost: t\r\nAuthorization: Bearer {key}\r\n\r\n"), Framing.Complete)
        : new HostileRequest("valid", "GET /_/health HTTP/1.1\r\nHost: t\r\n\r\n"u8.ToArray(), Framing.Complete);
}
