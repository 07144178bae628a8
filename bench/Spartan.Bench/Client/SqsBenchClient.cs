using System.Net;
using Amazon.Runtime;
using Amazon.SQS;
using Amazon.SQS.Model;

namespace Spartan.Bench.Client;

/// <summary>The .NET AWS SDK pointed at the server's SQS door (SPEC §11), for the one queue under test: what an SQS
/// application would run, MD5 checks of bodies included. One client is shared by all the bench's workers; its one
/// cached <see cref="HttpClient"/> holds at most C keep-alive connections, as the C native clients hold one each.
/// SDK failures are rethrown as the exceptions the phase runner counts as errors.</summary>
internal sealed class SqsBenchClient : IDisposable
{
    public const int Batch = 10; // SQS's limit for SendMessageBatch, DeleteMessageBatch and one ReceiveMessage
    private static readonly string[] EntryIds = [.. Enumerable.Range(0, Batch).Select(i => $"m{i}")];
    private readonly AmazonSQSClient _sqs;
    private readonly string _body;
    private string _queueUrl = "";

    private SqsBenchClient(AmazonSQSClient sqs, string body)
    {
        _sqs = sqs;
        _body = body;
    }

    /// <summary>A client for <paramref name="queue"/> on <paramref name="server"/>, its queue URL asked of the server
    /// (GetQueueUrl), so the door's own URLs are what the workers post to.</summary>
    public static async Task<SqsBenchClient> OpenAsync(Uri server, string queue, int connections, string body, CancellationToken ct)
    {
        if (!IPAddress.TryParse(server.Host, out var ip) || !IPAddress.IsLoopback(ip))
            throw new ArgumentException($"the bench talks to loopback only, not {server}");
        // No [[access_keys]] in the bench's Spartan.toml, so unsigned requests are accepted; an explicit region keeps
        // the SDK from looking one up (environment, profile, instance metadata) for the signer it then skips.
        var sqs = new AmazonSQSClient(new AnonymousAWSCredentials(), new AmazonSQSConfig
        {
            ServiceURL = server.GetLeftPart(UriPartial.Authority),
            AuthenticationRegion = "us-east-1",
            MaxErrorRetry = 0,
            MaxConnectionsPerServer = connections,
            Timeout = TimeSpan.FromSeconds(60),
        });
        var client = new SqsBenchClient(sqs, body);
        try
        {
            client._queueUrl = (await Call("GetQueueUrl", () => sqs.GetQueueUrlAsync(queue, ct))).QueueUrl;
            return client;
        }
        catch
        {
            client.Dispose();
            throw;
        }
    }

    /// <summary>SendMessageBatch of 10, ReceiveMessage of up to 10 (no wait), DeleteMessageBatch of what came: the SQS
    /// counterpart of the native push batch, pop batch, delete batch. Returns the messages deleted.</summary>
    public async Task<int> SendReceiveDeleteAsync(CancellationToken ct)
    {
        var send = new SendMessageBatchRequest
        {
            QueueUrl = _queueUrl,
            Entries = [.. EntryIds.Select(id => new SendMessageBatchRequestEntry { Id = id, MessageBody = _body })],
        };
        var sent = await Call("SendMessageBatch", () => _sqs.SendMessageBatchAsync(send, ct));
        if (sent.Failed is { Count: > 0 } notSent) throw Refused("SendMessageBatch", notSent[0].Code, notSent[0].Message, notSent.Count);

        var receive = new ReceiveMessageRequest { QueueUrl = _queueUrl, MaxNumberOfMessages = Batch, WaitTimeSeconds = 0 };
        var received = await Call("ReceiveMessage", () => _sqs.ReceiveMessageAsync(receive, ct));
        // AWSSDK v4 leaves an empty list in a response as null.
        if (received.Messages is not { Count: > 0 } messages) return 0;

        var delete = new DeleteMessageBatchRequest
        {
            QueueUrl = _queueUrl,
            Entries = [.. messages.Select((m, i) => new DeleteMessageBatchRequestEntry { Id = EntryIds[i], ReceiptHandle = m.ReceiptHandle })],
        };
        var deleted = await Call("DeleteMessageBatch", () => _sqs.DeleteMessageBatchAsync(delete, ct));
        if (deleted.Failed is { Count: > 0 } notDeleted)
            throw Refused("DeleteMessageBatch", notDeleted[0].Code, notDeleted[0].Message, notDeleted.Count);
        return deleted.Successful?.Count ?? 0;
    }

    public void Dispose() => _sqs.Dispose();

    /// <summary>An AWS error answer becomes a <see cref="BenchHttpException"/> (its status and code); a failure of the
    /// SDK itself (connection, MD5 mismatch) an <see cref="HttpRequestException"/>: both are errors the phase counts,
    /// not a crash of the run.</summary>
    private static async Task<T> Call<T>(string action, Func<Task<T>> request)
    {
        try
        {
            return await request();
        }
        catch (AmazonServiceException e)
        {
            throw new BenchHttpException($"SQS {action}", e.StatusCode, $"{e.ErrorCode}: {e.Message}");
        }
        catch (AmazonClientException e)
        {
            throw new HttpRequestException($"SQS {action}: {e.Message}", e);
        }
    }

    private static BenchHttpException Refused(string action, string code, string message, int count) =>
        new($"SQS {action}", HttpStatusCode.OK, $"{count} entries failed, first: {code}: {message}");
}
