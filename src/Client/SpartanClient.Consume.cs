using System.Runtime.CompilerServices;

namespace Spartan.Client;

public sealed partial class SpartanClient
{
    /// <summary>Receives the messages of <paramref name="queue"/> one after another, long-polling and prefetching in
    /// batches, until <paramref name="ct"/> is cancelled (which ends the enumeration with an
    /// <see cref="OperationCanceledException"/>). Complete each message with <see cref="DeleteAsync(ReceivedMessage, CancellationToken)"/>
    /// or <see cref="RequeueAsync(ReceivedMessage, CancellationToken)"/>: until then its reservation is extended, also
    /// while the enumeration goes on to the next messages (so they can be handled concurrently), up to
    /// <see cref="ConsumeOptions.MaxExtension"/>. When the enumeration ends, messages prefetched and not yet handed out are
    /// requeued at once, and the extensions stop: a message handed out and not completed keeps its reservation until it
    /// runs out, and can still be deleted until another consumer takes it.</summary>
    public async IAsyncEnumerable<ReceivedMessage> ConsumeAsync(string queue, ConsumeOptions? options = null,
        [EnumeratorCancellation] CancellationToken ct = default)
    {
        var consumer = new MessageConsumer(this, queue, options ?? new ConsumeOptions());
        await using (consumer.ConfigureAwait(false))
        {
            while (true) yield return await consumer.ReceiveAsync(ct).ConfigureAwait(false);
        }
    }
}
