using System.Net.Sockets;
using System.Net;
using NodaTime;
using Spartan.Domain.Events;
using Spartan.Replication;
using Spartan.Replication.Protocol;
using Spartan.Storage.Codecs;
using static Spartan.EndToEnd.Tests.ReplicationHelpers;

namespace Spartan.EndToEnd.Tests;

/// <summary>SPEC §7 faults on real processes: a replica or primary killed mid-stream, a replica down for longer than
/// the primary retains events, refused handshakes, and garbage on the replication port. Each ends with the replica
/// equal to its primary (or the refusal logged on both sides and retried).</summary>
[Collection("Replication")]
public sealed class ReplicationFaultTests
{
    private static readonly TimeSpan Soon = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan Load = TimeSpan.FromMinutes(2);

    /// <summary>Retries back off exponentially from try_timer = 1 s (with jitter, up to 16 s, and a circuit breaker).</summary>
    private static readonly TimeSpan AfterBackoff = TimeSpan.FromSeconds(40);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_replica_killed_mid_stream_and_restarted_catches_up_with_nothing_missing_or_applied_twice()
    {
        using var reserved = new ReservedPort(); // the replica restarts on it; nobody else can take it meanwhile
        var port = reserved.Port;
        await using var pair = await ReplicationPair.StartLogAsync(port);
        var (primary, replica) = (pair.Primary, pair.Replica);

        var load = new ReplicationLoad(primary.Http, seed: 11);
        var running = load.RunAsync(8_000, ct: Ct);
        await WaitUntilAsync(() => Task.FromResult(load.Operations >= 2_000 || running.IsCompleted), Load, () => "the load stalled");
        await replica.KillAsync();
        var killedAt = load.Operations;
        await WaitUntilAsync(() => Task.FromResult(load.Operations >= killedAt + 1_500 || running.IsCompleted), Load, () => "the load stalled");
        await replica.StartAsync("replica"); // same folder, same replication port, while the load goes on
        await running.WaitAsync(Load, Ct);
        await WaitCaughtUpAsync(primary, replica, port, AfterBackoff);

        // It resumed from its own position: the stream, not a snapshot.
        Assert.DoesNotContain("sending a full snapshot", primary.Logs);
        Assert.Matches(@"this replica is at sequence [1-9]\d*", replica.Logs);
        await replica.StopAsync();
        await primary.StopAsync();
        await AssertSameDumpsAsync(primary, replica);
    }

    [Fact]
    public async Task A_primary_killed_mid_stream_and_restarted_resumes_the_stream()
    {
        await using var pair = await ReplicationPair.StartLogAsync(AnyPort);
        var (primary, replica, port) = (pair.Primary, pair.Replica, pair.ReplicaPort);

        var load = new ReplicationLoad(primary.Http, seed: 12);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var running = load.RunAsync(100_000, tolerateFailures: true, ct: stop.Token);
        await WaitUntilAsync(() => Task.FromResult(load.Operations >= 2_500 || running.IsCompleted), Load, () => "the load stalled");
        await primary.KillAsync();
        await stop.CancelAsync();
        await running.WaitAsync(Soon, Ct).ContinueWith(static _ => { }, TaskScheduler.Default);
        await WaitForLogAsync(replica, "Dropped the replication connection", Soon);

        await primary.StartAsync("start");
        await WaitForLogAsync(primary, $"Replica {Address(port)} connected", AfterBackoff, times: 2);
        var before = (await replica.GetJsonAsync("/_/queues")).GetRawText();
        await new ReplicationLoad(primary.Http, seed: 13).RunAsync(2_000, ct: Ct).WaitAsync(Load, Ct);
        await WaitCaughtUpAsync(primary, replica, port, Soon);
        Assert.NotEqual(before, (await replica.GetJsonAsync("/_/queues")).GetRawText()); // the new writes arrived

        Assert.DoesNotContain("sending a full snapshot", primary.Logs);
        await replica.StopAsync();
        await primary.StopAsync();
        await AssertSameDumpsAsync(primary, replica);
    }

    [Fact]
    public async Task A_replica_down_longer_than_the_primary_retains_events_gets_a_full_snapshot_then_the_tail()
    {
        using var reserved = new ReservedPort(); // the replica restarts on it; nobody else can take it meanwhile
        var port = reserved.Port;
        await using var primary = new ReplicationNode("primary");
        await using var replica = new ReplicationNode("replica");
        replica.WriteConfig(ReplicaConfig(port, Persistence("log")));
        // Snapshot mode keeps no event log: what the in-memory ring (65 536 events) dropped is gone.
        primary.WriteConfig(PrimaryConfig([port], Persistence("snapshot")));
        await replica.StartAsync("replica");
        await primary.StartAsync("start");
        await new ReplicationLoad(primary.Http, seed: 21).RunAsync(500, ct: Ct).WaitAsync(Load, Ct);
        await WaitCaughtUpAsync(primary, replica, port, Soon);
        await replica.StopAsync();

        // 70 000 events while the replica is away, then a clear, so the snapshot it gets stays small.
        var next = -1;
        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            while (Interlocked.Increment(ref next) < 700)
            {
                var batch = "{\"messages\":[" + string.Join(',', Enumerable.Range(0, 100).Select(j => $$"""{"body":"away {{next}}-{{j}}"}""")) + "]}";
                using var push = await primary.Http.PostAsync("/q/batch", new StringContent(batch), Ct);
                push.EnsureSuccessStatusCode();
            }
        }, Ct))).WaitAsync(Load, Ct);
        using (var clear = await primary.Http.PostAsync("/q/clear", null, Ct)) clear.EnsureSuccessStatusCode();
        await new ReplicationLoad(primary.Http, seed: 22).RunAsync(500, ct: Ct).WaitAsync(Load, Ct);

        await replica.StartAsync("replica");
        await WaitForLogAsync(primary, "sending a full snapshot", AfterBackoff);
        await WaitForLogAsync(replica, "Installed the primary's snapshot", Soon);
        await WaitCaughtUpAsync(primary, replica, port, Soon);

        // Then the tail streams as events.
        await new ReplicationLoad(primary.Http, seed: 23).RunAsync(500, ct: Ct).WaitAsync(Load, Ct);
        await AssertMarkerArrivesAsync(primary, replica, Soon);
        await WaitCaughtUpAsync(primary, replica, port, Soon);
        Assert.Equal(1, Occurrences(primary.Logs, "sending a full snapshot"));

        await replica.StopAsync();
        await primary.StopAsync(); // writes the final snapshot, which dump reads
        await AssertSameDumpsAsync(primary, replica, events: false);
    }

    [Fact]
    public async Task A_replica_with_the_wrong_secret_is_refused_on_both_sides_and_retried_until_it_holds_the_right_one()
    {
        using var reserved = new ReservedPort(); // the replica restarts on it; nobody else can take it meanwhile
        var port = reserved.Port;
        await using var primary = new ReplicationNode("primary");
        await using var replica = new ReplicationNode("replica");
        replica.WriteConfig(ReplicaConfig(port, Persistence("log"), secret: "s3cr3t-wrong-1a7"));
        primary.WriteConfig(PrimaryConfig([port], Persistence("log"), secret: "s3cr3t-right-9f2"));
        await replica.StartAsync("replica");
        await primary.StartAsync("start");
        using (var push = await primary.Http.PostAsync("/q", new StringContent("""{"body":"secret"}"""), Ct)) push.EnsureSuccessStatusCode();

        const string Reason = "the replica does not hold the same replication secret";
        await WaitForLogAsync(primary, $"Replica {Address(port)}: {Reason}; retrying in", AfterBackoff, times: 2);
        await WaitForLogAsync(replica, "Dropped the replication connection", Soon, times: 2);
        Assert.Contains($"refused: {Reason}", replica.Logs);
        Assert.DoesNotContain("s3cr3t", primary.Logs + replica.Logs); // the secret itself is never logged
        Assert.Equal(0, (await replica.GetJsonAsync("/q/size")).GetProperty("size").GetInt32());

        await replica.StopAsync();
        replica.WriteConfig(ReplicaConfig(port, Persistence("log"), secret: "s3cr3t-right-9f2"));
        await replica.StartAsync("replica");
        await WaitCaughtUpAsync(primary, replica, port, AfterBackoff);
        Assert.Equal(1, (await replica.GetJsonAsync("/q/size")).GetProperty("size").GetInt32());
    }

    [Fact]
    public async Task A_replica_with_another_queue_set_is_refused_on_both_sides_and_retried()
    {
        await using var primary = new ReplicationNode("primary");
        await using var replica = new ReplicationNode("replica");
        replica.WriteConfig(ReplicaConfig(AnyPort, Persistence("log"), queues: "\"q\", \"lag\", \"other\""));
        await replica.StartAsync("replica");
        var port = replica.ReplicationPort;
        primary.WriteConfig(PrimaryConfig([port], Persistence("log")));
        await primary.StartAsync("start");
        using (var push = await primary.Http.PostAsync("/q", new StringContent("""{"body":"queues"}"""), Ct)) push.EnsureSuccessStatusCode();

        await WaitForLogAsync(primary, $"Replica {Address(port)}: the replica refused: queue sets differ", AfterBackoff, times: 2);
        await WaitForLogAsync(replica, "Dropped the replication connection", Soon, times: 2);
        Assert.Contains("queue sets differ: this node has [lag, other, q], the peer [lag, q]", replica.Logs);
        Assert.False((await LinkAsync(primary, port)).Connected);
        Assert.Equal(0, (await replica.GetJsonAsync("/q/size")).GetProperty("size").GetInt32());
    }

    [Fact]
    public async Task Garbage_on_the_replication_port_is_dropped_while_the_replica_keeps_serving_and_following_its_primary()
    {
        await using var pair = await ReplicationPair.StartLogAsync(AnyPort);
        var (primary, replica, port) = (pair.Primary, pair.Replica, pair.ReplicaPort);
        await new ReplicationLoad(primary.Http, seed: 31).RunAsync(300, ct: Ct).WaitAsync(Load, Ct);
        await WaitCaughtUpAsync(primary, replica, port, Soon);
        var size = (await replica.GetJsonAsync("/q/size")).GetProperty("size").GetInt32();

        // Random bytes, then end of stream: whatever the bytes say, the replica must hang up on them.
        var random = new Random(7);
        var noise = new byte[4096];
        random.NextBytes(noise);
        await AssertHungUpAsync(port, noise, endStream: true);
        // A well-formed Hello frame header whose payload is not MessagePack: refused at once, without end of stream.
        var hello = new byte[5 + 64];
        hello[3] = 64;
        hello[4] = 1;
        random.NextBytes(hello.AsSpan(5));
        await AssertHungUpAsync(port, hello, endStream: false);
        // A length beyond any frame the protocol allows.
        await AssertHungUpAsync(port, [0xFF, 0xFF, 0xFF, 0xFF, 1], endStream: false);
        await WaitForLogAsync(replica, "Dropped the replication connection", Soon, times: 3);

        // Reads go on, and the real primary still gets through.
        Assert.Equal("replica", (await replica.GetJsonAsync("/_/health")).GetProperty("role").GetString());
        Assert.Equal(size, (await replica.GetJsonAsync("/q/size")).GetProperty("size").GetInt32());
        await new ReplicationLoad(primary.Http, seed: 32).RunAsync(300, ct: Ct).WaitAsync(Load, Ct);
        await WaitCaughtUpAsync(primary, replica, port, AfterBackoff);
        await replica.StopAsync();
        await primary.StopAsync();
        await AssertSameDumpsAsync(primary, replica);
    }

    [Theory]
    [InlineData("an event 10 sequences ahead")]
    [InlineData("the deletion of a message it never had")]
    public async Task A_forged_stream_past_the_handshake_is_dropped_while_the_replica_keeps_serving_and_following_its_primary(string forgery)
    {
        await using var primary = new ReplicationNode("primary");
        await using var replica = new ReplicationNode("replica");
        replica.WriteConfig(ReplicaConfig(AnyPort, Persistence("log")));
        await replica.StartAsync("replica");
        var port = replica.ReplicationPort;
        primary.WriteConfig(PrimaryConfig([port], Persistence("log")));

        // A peer that passes the handshake (no secret is set), then sends an event the replica cannot apply.
        using (var socket = new Socket(SocketType.Stream, ProtocolType.Tcp))
        {
            await socket.ConnectAsync(IPAddress.Loopback, port, Ct);
            await using var peer = new PeerConnection(socket);
            var hello = new Hello(ProtocolVersion.Current, "forger", ["q", "lag"], "0000", Handshake.NewChallenge());
            await peer.SendAsync(FrameType.Hello, o => WireCodec.Write(hello, o), Ct);
            await peer.ExpectAsync(Ct, FrameType.HelloReply);
            await peer.SendAsync(FrameType.Welcome, o => WireCodec.Write(new Welcome([]), o), Ct);
            // Protocol 2: it claims the replica's own history, so the stream is planned after the replica's position.
            peer.Authenticated();
            var replicaHistory = WireCodec.ReadReplicaHistory((await peer.ExpectAsync(Ct, FrameType.History)).Payload);
            var plan = new Plan(PlanAction.Stream, replicaHistory.Applied, replicaHistory.Applied, replicaHistory.History);
            await peer.SendAsync(FrameType.Plan, o => WireCodec.Write(plan, o), Ct);
            await peer.ExpectAsync(Ct, FrameType.Ack);
            var now = SystemClock.Instance.GetCurrentInstant();
            WireEvent[] events = forgery.StartsWith("an event", StringComparison.Ordinal)
                ? [new(replicaHistory.Applied + 10, EventCodec.Encode(new MessagePushed("q", now, Guid.NewGuid(), "forged", 0, 0,
                    new Dictionary<string, string>(), 5, 600, null)))]
                : [new(replicaHistory.Applied + 1, EventCodec.Encode(new MessageDeleted("q", now, Guid.NewGuid())))];
            await peer.SendAsync(FrameType.Events, o => WireCodec.WriteEvents(events, o), Ct);
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(Ct);
            deadline.CancelAfter(Soon);
            try
            {
                while (await peer.ReadAsync(deadline.Token) is not null) { } // an Ack would be wrong, but read on to the close
            }
            catch (Exception e) when (e is IOException or SocketException or ProtocolException or Spartan.Replication.Framing.FrameException) { }
            catch (OperationCanceledException) when (!Ct.IsCancellationRequested)
            {
                Assert.Fail($"The replica kept the connection of a peer that sent {forgery}.");
            }
        }

        await WaitForLogAsync(replica, "Dropped the replication connection", Soon);
        using (var size = await replica.Http.GetAsync("/q/size", Ct))
            Assert.True(size.StatusCode == HttpStatusCode.OK, $"the replica answers reads with {(int)size.StatusCode}: {replica.Logs}");

        await primary.StartAsync("start");
        await new ReplicationLoad(primary.Http, seed: 41).RunAsync(300, ct: Ct).WaitAsync(Load, Ct);
        await WaitCaughtUpAsync(primary, replica, port, AfterBackoff);
        await replica.StopAsync();
        await primary.StopAsync();
        await AssertSameDumpsAsync(primary, replica);
    }

    /// <summary>Sends <paramref name="bytes"/> to the replication port and waits until the replica closes the
    /// connection.</summary>
    private static async Task AssertHungUpAsync(int port, byte[] bytes, bool endStream)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, port, Ct);
        var stream = client.GetStream();
        try
        {
            await stream.WriteAsync(bytes, Ct);
            if (endStream) client.Client.Shutdown(SocketShutdown.Send);
        }
        catch (IOException)
        {
            return; // reset already: it hung up
        }

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        deadline.CancelAfter(TimeSpan.FromSeconds(15)); // the handshake timeout is 10 s
        var buffer = new byte[4096];
        try
        {
            while (true)
            {
                var read = await stream.ReadAsync(buffer, deadline.Token);
                if (read == 0) return; // closed
            }
        }
        catch (IOException)
        {
            // reset: closed
        }
        catch (OperationCanceledException) when (!Ct.IsCancellationRequested)
        {
            Assert.Fail($"The replica kept a connection open after {bytes.Length} bytes of garbage.");
        }
    }
}
