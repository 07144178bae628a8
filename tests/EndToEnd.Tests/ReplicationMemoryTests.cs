using System.Buffers.Binary;
using System.Globalization;
using System.Net.Sockets;
using System.Net;
using static Spartan.EndToEnd.Tests.ReplicationHelpers;

namespace Spartan.EndToEnd.Tests;

/// <summary>SPEC §9 on a real replica: peers that have proven nothing cannot make it buffer their frames. The issue
/// this answers: 4 peers each sending a 250 MiB Hello took a replica from 155 to 1,125 MiB of RSS, never given back.</summary>
[Collection("Replication")]
public sealed class ReplicationMemoryTests
{
    private const int Attackers = 4;
    private const int Declared = 250 * 1024 * 1024;
    private const long AllowedGrowth = 16 * 1024 * 1024;
    private static readonly TimeSpan Soon = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan Load = TimeSpan.FromMinutes(2);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Four_peers_sending_250_MiB_Hello_frames_raise_the_replicas_peak_memory_by_under_16_MiB_and_it_still_replicates()
    {
        await using var pair = await ReplicationPair.StartLogAsync(AnyPort);
        var (primary, replica, port) = (pair.Primary, pair.Replica, pair.ReplicaPort);
        await new ReplicationLoad(primary.Http, seed: 61).RunAsync(500, ct: Ct).WaitAsync(Load, Ct);
        await WaitCaughtUpAsync(primary, replica, port, Soon);
        var before = PeakRss(replica.Pid);

        var sent = await Task.WhenAll(Enumerable.Range(0, Attackers).Select(_ => Task.Run(() => AttackAsync(port), Ct)));

        await WaitForLogAsync(replica, "above the maximum of 65536 bytes", Soon, times: Attackers);
        var after = PeakRss(replica.Pid);
        TestContext.Current.TestOutputHelper?.WriteLine(
            $"replica VmHWM {before / 1024.0 / 1024:F1} MiB -> {after / 1024.0 / 1024:F1} MiB (+{(after - before) / 1024.0:F0} KiB); " +
            $"the attackers got {string.Join(", ", sent.Select(b => (b / 1024.0).ToString("F0", CultureInfo.InvariantCulture)))} KiB into the socket before it closed");
        Assert.True(after - before < AllowedGrowth,
            $"the replica's peak RSS grew by {(after - before) / 1024.0 / 1024:F1} MiB ({before} -> {after} bytes)");

        // The real primary still gets through.
        await new ReplicationLoad(primary.Http, seed: 62).RunAsync(500, ct: Ct).WaitAsync(Load, Ct);
        await WaitCaughtUpAsync(primary, replica, port, Soon);
        await replica.StopAsync();
        await primary.StopAsync();
        await AssertSameDumpsAsync(primary, replica);
    }

    /// <summary>Sends a Hello header declaring 250 MiB, then as much of the payload as the replica takes, 1 MiB at a
    /// time, until the replica hangs up; returns how many payload bytes the socket accepted.</summary>
    private static async Task<long> AttackAsync(int port)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, port, Ct);
        var stream = client.GetStream();
        var header = new byte[5];
        BinaryPrimitives.WriteUInt32BigEndian(header, Declared);
        header[4] = 1; // Hello
        var chunk = new byte[1024 * 1024];
        new Random(port).NextBytes(chunk);
        long sent = 0;
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        deadline.CancelAfter(TimeSpan.FromSeconds(30));
        try
        {
            await stream.WriteAsync(header, deadline.Token);
            while (sent < Declared)
            {
                await stream.WriteAsync(chunk, deadline.Token);
                sent += chunk.Length;
            }
        }
        catch (IOException)
        {
            // The replica hung up.
        }

        Assert.True(sent < Declared, "the replica took the whole 250 MiB payload of an unauthenticated Hello");
        return sent;
    }

    /// <summary>The process's peak resident set size (<c>VmHWM</c>), in bytes.</summary>
    private static long PeakRss(int pid)
    {
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
            if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                return long.Parse(line["VmHWM:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) * 1024;
        throw new InvalidOperationException($"no VmHWM in /proc/{pid}/status");
    }
}
