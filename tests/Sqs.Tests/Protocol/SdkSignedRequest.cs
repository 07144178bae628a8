using System.Globalization;
using Amazon.Runtime;
using Amazon.SQS.Model;
using Spartan.Api.Features.Sqs.Protocol;

namespace Spartan.Sqs.Tests.Protocol;

/// <summary>
/// A request the real AWS SDK signed, copied out of <see cref="CapturingSqsClient"/> so a test can tamper with any
/// part of it and ask <see cref="SigV4.Verify"/> again.
/// </summary>
internal sealed class SdkSignedRequest
{
    public const string KeyId = "AKIDEXAMPLE";
    public const string Secret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
    public const string RootUrl = CapturingSqsClient.DefaultServiceUrl;

    /// <summary>A ServiceURL with a path, as a client given a queue URL as endpoint has: the SDK signs the path.</summary>
    public const string PathUrl = "http://127.0.0.1:5680/000000000000/my-queue";

    /// <summary>A FIFO queue's URL: "." is the one character beyond letters, digits, "-" and "_" it can have.</summary>
    public const string FifoPathUrl = "http://127.0.0.1:5680/000000000000/orders_v2-eu.fifo";

    public const string UnicodeBody = "héllo ✓ 𝄞 Привет 日本語";

    private SdkSignedRequest(CapturedRequest captured)
    {
        Method = captured.Method;
        Path = captured.Path;
        Query = captured.Query;
        Headers = new Dictionary<string, string>(captured.Headers, StringComparer.Ordinal);
        Body = captured.Body.ToArray();
    }

    public string Method { get; set; }

    public string Path { get; set; }

    public string Query { get; set; }

    public Dictionary<string, string> Headers { get; }

    public byte[] Body { get; set; }

    public string Authorization
    {
        get => Headers["authorization"];
        set => Headers["authorization"] = value;
    }

    /// <summary>The instant the SDK signed at, read here rather than by the code under test.</summary>
    public DateTimeOffset SignedAt => DateTimeOffset.ParseExact(Headers["x-amz-date"], "yyyyMMdd'T'HHmmss'Z'",
        CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);

    public static TheoryData<string, string> ActionsAndUrls()
    {
        var data = new TheoryData<string, string>();
        foreach (var url in new[] { RootUrl, PathUrl, FifoPathUrl })
        {
            foreach (var action in new[] { "GetQueueUrl", "SendMessage", "ReceiveMessage" })
                data.Add(action, url);
        }

        return data;
    }

    /// <summary>Has the SDK send <paramref name="action"/> and returns what it put on the wire.</summary>
    public static async Task<SdkSignedRequest> CaptureAsync(string action, string serviceUrl = RootUrl,
        string secret = Secret)
    {
        using var sqs = new CapturingSqsClient(new BasicAWSCredentials(KeyId, secret), serviceUrl);
        var ct = TestContext.Current.CancellationToken;
        var queueUrl = PathUrl;
        Task call = action switch
        {
            "GetQueueUrl" => sqs.Client.GetQueueUrlAsync("my-queue", ct),
            "SendMessage" => sqs.Client.SendMessageAsync(new SendMessageRequest
            {
                QueueUrl = queueUrl,
                MessageBody = UnicodeBody,
                MessageAttributes = new Dictionary<string, MessageAttributeValue>
                {
                    ["colour"] = new() { DataType = "String", StringValue = "vert émeraude" },
                    ["count"] = new() { DataType = "Number", StringValue = "42" },
                    ["blob"] = new() { DataType = "Binary", BinaryValue = new MemoryStream([0, 1, 2, 0xFF]) },
                },
            }, ct),
            "ReceiveMessage" => sqs.Client.ReceiveMessageAsync(new ReceiveMessageRequest
            {
                QueueUrl = queueUrl,
                MaxNumberOfMessages = 10,
                WaitTimeSeconds = 1,
                MessageAttributeNames = ["All"],
            }, ct),
            _ => throw new ArgumentOutOfRangeException(nameof(action), action, null),
        };
        await call;
        Assert.Single(sqs.Requests);
        Assert.Equal($"AmazonSQS.{action}", sqs.Last.Header("x-amz-target"));
        return new SdkSignedRequest(sqs.Last);
    }

    public string Header(string name) => Headers[name];

    /// <summary>The names in the SignedHeaders component, in the order sent.</summary>
    public string[] SignedHeaderNames()
    {
        const string key = "SignedHeaders=";
        var start = Authorization.IndexOf(key, StringComparison.Ordinal) + key.Length;
        var end = Authorization.IndexOf(',', start);
        return Authorization[start..end].Split(';');
    }

    /// <summary>Parses the Authorization header (which must parse) and verifies the request as it now stands.</summary>
    public SigV4Outcome Verify(string secret = Secret, DateTimeOffset? now = null)
    {
        Assert.True(SigV4Authorization.TryParse(Authorization, out var auth), Authorization);
        return SigV4.Verify(auth, secret, Method, Path, Query, name => Headers.GetValueOrDefault(name),
            SigV4.Sha256Hex(Body), now ?? SignedAt);
    }

    /// <summary>Flips the low bit of one byte in the middle of the body.</summary>
    public void ChangeOneBodyByte() => Body[Body.Length / 2] ^= 0x01;
}
