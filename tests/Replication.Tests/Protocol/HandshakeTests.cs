using System.Buffers;
using Spartan.Replication.Protocol;

namespace Spartan.Replication.Tests.Protocol;

/// <summary>The handshake checks of SPEC §7: version, queue set, and the secret proven without crossing the wire.</summary>
public sealed class HandshakeTests
{
    [Fact]
    public void The_same_secret_proves_itself_both_ways_and_another_does_not()
    {
        var challenge = Handshake.NewChallenge();
        Assert.True(Handshake.Matches(Handshake.ReplicaProof("s3cret", challenge), Handshake.ReplicaProof("s3cret", challenge)));
        Assert.False(Handshake.Matches(Handshake.ReplicaProof("s3cret", challenge), Handshake.ReplicaProof("other", challenge)));
        Assert.False(Handshake.Matches(Handshake.ReplicaProof("s3cret", challenge), Handshake.PrimaryProof("s3cret", challenge)));
        Assert.False(Handshake.Matches(Handshake.ReplicaProof("s3cret", challenge), Handshake.ReplicaProof("s3cret", Handshake.NewChallenge())));
        Assert.False(Handshake.Matches(Handshake.ReplicaProof("s3cret", challenge), Handshake.ReplicaProof(null, challenge)));
        Assert.True(Handshake.Matches(Handshake.ReplicaProof(null, challenge), Handshake.ReplicaProof(null, challenge)));
    }

    [Fact]
    public void The_secret_never_appears_in_what_is_sent()
    {
        var challenge = Handshake.NewChallenge();
        var reply = new HelloReply(1, "replica", ["q"], "digest", Handshake.ReplicaProof("TopSecretValue", challenge), challenge, 7);
        var wire = new ArrayBufferWriter<byte>();
        WireCodec.Write(reply, wire);
        Assert.DoesNotContain("TopSecretValue", System.Text.Encoding.UTF8.GetString(wire.WrittenSpan));
    }

    [Fact]
    public void Versions_and_queue_sets_must_match_but_order_does_not_matter()
    {
        Assert.Null(Handshake.Incompatibility(1, ["a", "b"], 1, ["b", "a"]));
        Assert.Contains("protocol version", Handshake.Incompatibility(1, ["a"], 2, ["a"]));
        Assert.Contains("queue sets differ", Handshake.Incompatibility(1, ["a", "b"], 1, ["a"]));
    }

    [Fact]
    public void Messages_round_trip()
    {
        var wire = new ArrayBufferWriter<byte>();
        var hello = new Hello(1, "primary", ["a", "b"], "d1", [1, 2, 3]);
        WireCodec.Write(hello, wire);
        var read = WireCodec.ReadHello(new ReadOnlySequence<byte>(wire.WrittenMemory));
        Assert.Equal((hello.Version, hello.NodeId, hello.SettingsDigest), (read.Version, read.NodeId, read.SettingsDigest));
        Assert.Equal(hello.Queues, read.Queues);
        Assert.Equal(hello.Challenge, read.Challenge);

        wire.ResetWrittenCount();
        WireCodec.WriteEvents([new WireEvent(5, new byte[] { 9, 9 }), new WireEvent(6, new byte[] { 8 })], wire);
        var events = WireCodec.ReadEvents(new ReadOnlySequence<byte>(wire.WrittenMemory));
        Assert.Equal([5L, 6L], events.Select(e => e.Sequence));
        Assert.Equal(new byte[] { 8 }, events[1].Encoded.ToArray());
    }

    [Fact]
    public void Garbage_payloads_fail_as_protocol_errors_only()
    {
        var random = new Random(7);
        for (var i = 0; i < 2000; i++)
        {
            var bytes = new byte[random.Next(0, 64)];
            random.NextBytes(bytes);
            var payload = new ReadOnlySequence<byte>(bytes);
            foreach (var read in new Action[]
                     {
                         () => WireCodec.ReadHello(payload), () => WireCodec.ReadHelloReply(payload),
                         () => WireCodec.ReadEvents(payload), () => WireCodec.ReadNumbers(payload), () => WireCodec.ReadText(payload),
                     })
            {
                try
                {
                    read();
                }
                catch (ProtocolException)
                {
                    // expected for most inputs
                }
            }
        }
    }

    [Fact]
    public void The_pre_authentication_limit_holds_797_queue_names_of_the_longest_length_in_a_Hello_or_HelloReply()
    {
        // SPEC §4: names are at most 80 characters; a node id of 64 characters is generous for "primary@<host>".
        static string[] Names(int count) => Enumerable.Range(0, count).Select(i => $"{i:D6}".PadRight(80, 'q')).ToArray();
        var node = new string('n', 64);
        var challenge = Handshake.NewChallenge();
        int HelloSize(int count)
        {
            var wire = new ArrayBufferWriter<byte>();
            WireCodec.Write(new Hello(ProtocolVersion.Current, node, Names(count), "0123456789ABCDEF", challenge), wire);
            return wire.WrittenCount;
        }

        int ReplySize(int count)
        {
            var wire = new ArrayBufferWriter<byte>();
            WireCodec.Write(new HelloReply(ProtocolVersion.Current, node, Names(count), "0123456789ABCDEF",
                Handshake.ReplicaProof("secret", challenge), challenge, long.MaxValue), wire);
            return wire.WrittenCount;
        }

        Assert.True(HelloSize(797) <= ProtocolVersion.MaxFrameBeforeAuth, $"{HelloSize(797)} bytes");
        Assert.True(ReplySize(797) <= ProtocolVersion.MaxFrameBeforeAuth, $"{ReplySize(797)} bytes");
        Assert.True(HelloSize(798) > ProtocolVersion.MaxFrameBeforeAuth, $"{HelloSize(798)} bytes");
        Assert.True(ReplySize(798) > ProtocolVersion.MaxFrameBeforeAuth, $"{ReplySize(798)} bytes");
    }
}
