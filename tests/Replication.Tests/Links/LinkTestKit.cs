using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Sockets;
using System.Net;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Spartan.Domain;
using Spartan.Engine;
using Spartan.Replication.Primary;
using Spartan.Replication.Protocol;
using Spartan.Replication.Replica;
using Spartan.Replication.Tls;

namespace Spartan.Replication.Tests.Links;

/// <summary>Real replication ends over loopback, with a fake clock: replica servers, replicators, raw peers, logs.</summary>
internal static class LinkTestKit
{
    public static readonly string[] Queues = ["q", "lag"];
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);

    public static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static ReplicationSettings Settings(string node, string? secret = null) =>
        new(node, Queues, "digest", secret, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(180));

    /// <summary>An in-memory node's commit loop, started after <paramref name="observers"/> are added; a replica's
    /// decides nothing by time, a primary's begins its epoch as a node's start does.</summary>
    public static Broker NewBroker(TimeProvider time, bool replica, params ICommitObserver[] observers) =>
        NewBroker(time, EngineStore.InMemory(), replica, observers);

    /// <summary>A node's commit loop over <paramref name="store"/>.</summary>
    public static Broker NewBroker(TimeProvider time, EngineStore store, bool replica, params ICommitObserver[] observers)
    {
        var state = new QueueSet(Queues.Select(q => new QueueDefinition(q, null, 5, 600, null))) { FollowsPrimary = replica };
        var broker = new Broker(state, store, time);
        foreach (var observer in observers) broker.AddObserver(observer);
        broker.Start();
        if (!replica) broker.BeginEpochAsync().GetAwaiter().GetResult();
        return broker;
    }

    /// <summary>Polls <paramref name="condition"/> until it holds; fails with <paramref name="what"/> at the deadline.</summary>
    public static async Task EventuallyAsync(Func<bool> condition, Func<string> what)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (clock.Elapsed > Deadline) Assert.Fail($"Not within {Deadline.TotalSeconds} s: {what()}");
            await Task.Delay(10, Ct);
        }
    }

    /// <summary>How many times <paramref name="part"/> occurs in <paramref name="text"/>.</summary>
    public static int Occurrences(string text, string part) => text.Split(part).Length - 1;

    /// <summary>A raw TCP connection to <paramref name="server"/>.</summary>
    public static async Task<Socket> ConnectAsync(ReplicaServer server)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync((IPEndPoint)server.LocalEndPoint!, Ct);
        return socket;
    }

    /// <summary>Waits until the peer closes <paramref name="socket"/> (end of stream or reset); fails at the deadline.</summary>
    public static async Task AssertClosedByPeerAsync(Socket socket, string what)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        deadline.CancelAfter(Deadline);
        var buffer = new byte[4096];
        try
        {
            for (var reads = 0; reads < 10_000; reads++)
                if (await socket.ReceiveAsync(buffer, SocketFlags.None, deadline.Token) == 0) return;
        }
        catch (SocketException)
        {
            return; // reset: closed
        }
        catch (OperationCanceledException) when (!Ct.IsCancellationRequested)
        {
            Assert.Fail($"The connection stayed open: {what}");
        }

        Assert.Fail($"The peer kept sending: {what}");
    }

    /// <summary>Plays a primary's side of the handshake (no secret) on <paramref name="peer"/>, then a plan that streams
    /// after the replica's position in its own history; returns that position.</summary>
    public static async Task<long> HandshakeAsync(PeerConnection peer)
    {
        var hello = new Hello(ProtocolVersion.Current, "test-primary", Queues, "digest", Handshake.NewChallenge());
        await peer.SendAsync(FrameType.Hello, o => WireCodec.Write(hello, o), Ct);
        await peer.ExpectAsync(Ct, FrameType.HelloReply);
        await peer.SendAsync(FrameType.Welcome, o => WireCodec.Write(new Welcome([]), o), Ct);
        peer.Authenticated();
        var replica = WireCodec.ReadReplicaHistory((await peer.ExpectAsync(Ct, FrameType.History)).Payload);
        var plan = new Plan(PlanAction.Stream, replica.Applied, replica.Applied, replica.History);
        await peer.SendAsync(FrameType.Plan, o => WireCodec.Write(plan, o), Ct);
        Assert.Equal(replica.Applied, WireCodec.ReadNumbers((await peer.ExpectAsync(Ct, FrameType.Ack)).Payload).First);
        return replica.Applied;
    }
}

/// <summary>A replica server on an ephemeral loopback port with its own broker, run until disposed.</summary>
internal sealed class TestReplica : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _running;

    public TestReplica(FakeTimeProvider time, ReplicationTls? tls = null, string? secret = null)
    {
        Broker = LinkTestKit.NewBroker(time, replica: true);
        Server = new ReplicaServer(new IPEndPoint(IPAddress.Loopback, 0), LinkTestKit.Settings("test-replica", secret), Broker, Log, tls, time);
        Server.Bind();
        _running = Task.Run(() => Server.RunAsync(_stop.Token));
    }

    public Broker Broker { get; }
    public ReplicaServer Server { get; }
    public ListLogger Log { get; } = new();
    public int Port => ((IPEndPoint)Server.LocalEndPoint!).Port;

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _running;
        Server.Dispose();
        await Broker.StopAsync();
        _stop.Dispose();
    }
}

/// <summary>A primary's broker and one replicator streaming to <c>127.0.0.1:port</c>, run until disposed.</summary>
internal sealed class TestPrimary : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _running;

    public TestPrimary(FakeTimeProvider time, int port, ReplicationTls? tls = null, string? secret = null)
    {
        var retained = new RetainedEvents();
        Broker = LinkTestKit.NewBroker(time, replica: false, retained);
        retained.StartAfter(Broker.CommittedSequence);
        Replicator = new Replicator($"127.0.0.1:{port}", LinkTestKit.Settings("test-primary", secret), Broker, retained,
            new TransientEventLog(), 0, time, Log, tls);
        _running = Task.Run(() => Replicator.RunAsync(_stop.Token));
    }

    public Broker Broker { get; }
    public Replicator Replicator { get; }
    public ListLogger Log { get; } = new();

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _running;
        await Broker.StopAsync();
        _stop.Dispose();
    }
}

/// <summary>Keeps every formatted log line, for assertions on what a node says.</summary>
internal sealed class ListLogger : ILogger
{
    private readonly ConcurrentQueue<string> _lines = new();

    public IReadOnlyCollection<string> Lines => _lines;

    public string Text => string.Join('\n', _lines);

    public bool Contains(string part) => _lines.Any(l => l.Contains(part, StringComparison.Ordinal));

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
        _lines.Enqueue(formatter(state, exception));
}
