using System.Globalization;
using Amazon.SQS;
using Amazon.SQS.Model;

namespace Spartan.Sqs.Tests.Messages;

/// <summary>What the message tests share: the queue URLs of the default node and short forms of SDK calls.</summary>
internal static class Steps
{
    public static readonly string Q = SqsNode.QueueUrl("q");
    public static readonly string Dead = SqsNode.QueueUrl("q-dead");

    public static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>The messages of one receive; AWSSDK v4 leaves an absent list null.</summary>
    public static async Task<List<Message>> ReceiveAsync(this IAmazonSQS sqs, ReceiveMessageRequest request) =>
        (await sqs.ReceiveMessageAsync(request, Ct)).Messages ?? [];

    /// <summary>One receive that must not wait: the messages visible now.</summary>
    public static Task<List<Message>> ReceiveNowAsync(this IAmazonSQS sqs, string url, int? visibility = null, int max = 1) =>
        sqs.ReceiveAsync(new ReceiveMessageRequest
        {
            QueueUrl = url,
            WaitTimeSeconds = 0,
            MaxNumberOfMessages = max,
            VisibilityTimeout = visibility,
            MessageSystemAttributeNames = ["All"],
            MessageAttributeNames = ["All"],
        });

    public static async Task<Message> ReceiveOneAsync(this IAmazonSQS sqs, string url, int? visibility = null) =>
        Assert.Single(await sqs.ReceiveNowAsync(url, visibility));

    public static async Task<int> SizeAsync(this SqsNode node, string queue) => (await node.Node.Broker.CountAsync(queue)).Size;

    /// <summary>The fake clock as SQS shows instants: Unix milliseconds.</summary>
    public static string Millis(this SqsNode node) =>
        node.Node.Clock.GetUtcNow().ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);

    public static MessageAttributeValue Text(string value, string type = "String") => new() { DataType = type, StringValue = value };

    public static MessageAttributeValue Bytes(byte[] value, string type = "Binary") => new() { DataType = type, BinaryValue = new MemoryStream(value) };

    /// <summary>Creates a runtime queue through SQS and answers its URL.</summary>
    public static async Task<string> CreateAsync(this IAmazonSQS sqs, string name, Dictionary<string, string>? attributes = null) =>
        (await sqs.CreateQueueAsync(new CreateQueueRequest { QueueName = name, Attributes = attributes }, Ct)).QueueUrl;
}
