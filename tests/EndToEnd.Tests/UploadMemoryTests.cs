using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using Spartan.Tests.Shared;

namespace Spartan.EndToEnd.Tests;

/// <summary>SPEC §9 on the real binary: nothing is buffered before auth, so unauthenticated uploads of the largest body
/// a batch route takes cost the server no more than their headers.</summary>
public sealed class UploadMemoryTests
{
    private const int Uploads = 8;

    /// <summary>The batch limit at the default body_size (32 KiB): 100 × (6 × 32 KiB + 64 KiB) = 25 MiB.</summary>
    private const int UploadBytes = 25 * 1024 * 1024;

    private const long AllowedGrowthKiB = 64 * 1024;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Eight_unauthenticated_25_MiB_batch_uploads_are_refused_and_peak_memory_grows_under_64_MiB()
    {
        using var folder = new TempFolder();
        File.WriteAllText(folder.File("Spartan.toml"), """
            queues = ["q"]
            [[access_keys]]
            key = "root"
            queues = ["*"]
            """);
        await using var server = SpartanProcess.Start(folder.Path, "start", "--host", "127.0.0.1:0");
        var address = await server.ListeningAsync();
        var body = BatchOf(UploadBytes);

        // One small refused upload first, so that what the refusal path costs once (JIT, pools) is not counted.
        Assert.Equal(400, (await UploadAsync(address, BatchOf(64 * 1024))).Response.Status);
        var before = MemoryOf(server.Pid);

        var uploads = await Task.WhenAll(Enumerable.Range(0, Uploads).Select(_ => UploadAsync(address, body)))
            .WaitAsync(TimeSpan.FromMinutes(1), Ct);
        var after = MemoryOf(server.Pid);
        TestContext.Current.TestOutputHelper?.WriteLine(
            $"server VmHWM {before.PeakKiB} -> {after.PeakKiB} KiB (+{after.PeakKiB - before.PeakKiB} KiB), " +
            $"VmRSS {before.ResidentKiB} -> {after.ResidentKiB} KiB; bytes each client got to write: " +
            string.Join(", ", uploads.Select(u => u.Written)));

        foreach (var (response, written) in uploads)
        {
            Assert.Equal(400, response.Status);
            Assert.Equal("application/problem+json", response.MediaType);
            Assert.Equal("Authorization header not found", response.Title);
            Assert.True(written < body.Length, "the server took the whole body of an upload it refused");
        }

        Assert.True(after.PeakKiB - before.PeakKiB < AllowedGrowthKiB,
            $"peak RSS grew by {(after.PeakKiB - before.PeakKiB) / 1024} MiB for {Uploads} refused uploads");

        // The node still serves.
        using var http = new HttpClient { BaseAddress = address };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "root");
        (await http.PostAsync("/q", new StringContent("""{"body":"after"}"""), Ct)).EnsureSuccessStatusCode();
        Assert.Contains("\"after\"", await http.GetStringAsync("/q", Ct));
    }

    /// <summary>A well-formed batch of one message padded to <paramref name="bytes"/>, so a server that read it would
    /// also have to parse it.</summary>
    private static byte[] BatchOf(int bytes)
    {
        var head = "{\"messages\":[{\"body\":\""u8;
        var tail = "\"}]}"u8;
        var batch = new byte[bytes];
        head.CopyTo(batch);
        batch.AsSpan(head.Length, bytes - head.Length - tail.Length).Fill((byte)'x');
        tail.CopyTo(batch.AsSpan(bytes - tail.Length));
        return batch;
    }

    /// <summary>Sends the upload as a client that copes with an early answer: it writes until the server stops
    /// reading, then reads the answer.</summary>
    private static async Task<(RawResponse Response, long Written)> UploadAsync(Uri address, byte[] body)
    {
        await using var connection = await RawConnection.OpenAsync(address, Ct);
        var head = Encoding.ASCII.GetBytes($"POST /q/batch HTTP/1.1\r\nHost: t\r\nContent-Length: {body.Length}\r\n\r\n");
        var written = 0L;
        if (await connection.WriteAsync(head, Ct))
        {
            const int slice = 1024 * 1024;
            for (var offset = 0; offset < body.Length; offset += slice)
            {
                if (!await connection.WriteAsync(body.AsMemory(offset, Math.Min(slice, body.Length - offset)), Ct)) break;
                written = offset + Math.Min(slice, body.Length - offset);
            }
        }

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        deadline.CancelAfter(TimeSpan.FromSeconds(30));
        var response = await connection.ReadResponseAsync(deadline.Token) ?? throw new IOException("no answer to the upload");
        return (response, written);
    }

    /// <summary>Peak (VmHWM) and current (VmRSS) resident memory of a process, from /proc.</summary>
    private static (long PeakKiB, long ResidentKiB) MemoryOf(int pid)
    {
        long peak = 0, resident = 0;
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
        {
            if (line.StartsWith("VmHWM:", StringComparison.Ordinal)) peak = KiB(line);
            else if (line.StartsWith("VmRSS:", StringComparison.Ordinal)) resident = KiB(line);
        }

        Assert.True(peak > 0 && resident > 0, $"no memory figures for process {pid}");
        return (peak, resident);

        static long KiB(string line) => long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
    }
}
