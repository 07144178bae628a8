using System.Globalization;
using System.Net;
using System.Text.Json;
using Amazon.SQS;

namespace Spartan.Sqs.Tests.Queues;

/// <summary>What the queue-action tests share: the native view of a queue, and SQS errors checked as the SDK reports
/// them (exception type, <c>ErrorCode</c> from <c>x-amzn-query-error</c>, status).</summary>
internal static class QueueKit
{
    public const string Arn = "arn:aws:sqs:us-east-1:000000000000:";

    public static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static string Redrive(string deadLetter, int maxReceiveCount) =>
        $"{{\"deadLetterTargetArn\":\"{Arn}{deadLetter}\",\"maxReceiveCount\":\"{maxReceiveCount}\"}}";

    /// <summary>A native GET that must succeed, as JSON.</summary>
    public static async Task<JsonElement> NativeAsync(SqsNode node, string path)
    {
        using var response = await node.Node.SendAsync(HttpMethod.Get, path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await TestNode.ReadAsync(response);
    }

    /// <summary>Creates a runtime queue through the native API, so SQS is seen to find what it did not make.</summary>
    public static async Task NativeCreateAsync(SqsNode node, string name, string? json = null)
    {
        using var response = await node.Node.SendAsync(HttpMethod.Put, $"/_/queues/{name}", json);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    public static async Task PushAsync(SqsNode node, string queue, int count, string json = """{"body":"hello"}""")
    {
        for (var i = 0; i < count; i++) await node.Node.PushAsync(queue, json);
    }

    /// <summary>The SQS error <paramref name="call"/> must end with: a <typeparamref name="T"/> (exactly, so a modelled
    /// shape is not mistaken for the generic one), <paramref name="code"/> and a 400.</summary>
    public static async Task<T> ErrorAsync<T>(string code, Func<Task> call) where T : AmazonSQSException
    {
        var error = await Assert.ThrowsAsync<T>(call);
        Assert.Equal(code, error.ErrorCode);
        Assert.Equal(HttpStatusCode.BadRequest, error.StatusCode);
        return error;
    }

    /// <summary>The error shape the SDK has no class for (InvalidParameterValue and the like).</summary>
    public static Task<AmazonSQSException> GenericErrorAsync(string code, Func<Task> call) => ErrorAsync<AmazonSQSException>(code, call);

    public static string Seconds(DateTimeOffset at) => at.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
}
