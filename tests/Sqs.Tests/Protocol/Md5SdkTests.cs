using System.Text.Json;
using System.Text.Json.Nodes;
using Amazon.Runtime;
using Amazon.SQS;
using Amazon.SQS.Model;
using Spartan.Api.Features.Sqs.Protocol;

namespace Spartan.Sqs.Tests.Protocol;

/// <summary>
/// The strongest proof the digests are right: the real SDK recomputes them from what it sent or received and throws
/// on a difference. Each acceptance is paired with a spoiled digest the SDK must reject, since it skips the check
/// when a digest is absent and would then accept anything.
/// </summary>
public sealed class Md5SdkTests
{
    private const string QueueUrl = SdkSignedRequest.PathUrl;

    // Ordinal name order differs from a case-insensitive one here, so a wrongly sorted digest cannot pass.
    private static readonly SqsAttributeValue[] Attributes =
    [
        new("trace", "String", "αβγ ✓ 𝄞", null),
        new("Zeta", "Number", "-12.5e3", null),
        new("blob", "Binary", null, [0x00, 0x01, 0x7F, 0x80, 0xFF]),
        new("alpha", "String.custom", "vert émeraude", null),
        new("Alpha", "Binary.png", null, [0x89, 0x50, 0x4E, 0x47]),
        new("count", "Number.int", "42", null),
    ];

    [Theory]
    [InlineData(null)]
    [InlineData("body")]
    [InlineData("attributes")]
    public async Task SendMessage_answers_are_checked_by_the_SDK(string? spoil)
    {
        using var sqs = NewClient();
        sqs.Respond = request =>
        {
            var sent = JsonNode.Parse(request.BodyText)!;
            var body = (string)sent["MessageBody"]!;
            var attributes = ReadAttributes(sent["MessageAttributes"]);
            return Answer(new JsonObject
            {
                ["MessageId"] = "5fea7756-0ea4-451a-a703-a558b933e274",
                ["MD5OfMessageBody"] = Md5Digests.OfMessageBody(spoil == "body" ? body + " " : body),
                ["MD5OfMessageAttributes"] = spoil == "attributes"
                    ? Md5Reference.OfAttributes(attributes, StringComparer.OrdinalIgnoreCase)
                    : Md5Digests.OfMessageAttributes(attributes),
            });
        };
        var send = sqs.Client.SendMessageAsync(new SendMessageRequest
        {
            QueueUrl = QueueUrl,
            MessageBody = SdkSignedRequest.UnicodeBody,
            MessageAttributes = Attributes.ToDictionary(a => a.Name, ToSdk),
        }, TestContext.Current.CancellationToken);

        if (spoil is null)
        {
            var response = await send;
            Assert.Equal(Md5Reference.OfText(SdkSignedRequest.UnicodeBody), response.MD5OfMessageBody);
            Assert.Equal(Md5Reference.OfAttributes(Attributes), response.MD5OfMessageAttributes);
        }
        else
        {
            var error = await Assert.ThrowsAsync<AmazonSQSException>(() => send);
            Assert.Contains("MD5", error.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task SendMessage_without_attributes_has_no_attribute_digest_and_the_SDK_accepts_it()
    {
        using var sqs = NewClient();
        sqs.Respond = request =>
        {
            var sent = JsonNode.Parse(request.BodyText)!;
            Assert.Null(sent["MessageAttributes"]);
            Assert.Null(Md5Digests.OfMessageAttributes(ReadAttributes(null)));
            return Answer(new JsonObject
            {
                ["MessageId"] = "m",
                ["MD5OfMessageBody"] = Md5Digests.OfMessageBody((string)sent["MessageBody"]!),
            });
        };

        var response = await sqs.Client.SendMessageAsync(QueueUrl, "plain", TestContext.Current.CancellationToken);

        Assert.Equal(Md5Reference.OfText("plain"), response.MD5OfMessageBody);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("body")]
    [InlineData("attributes")]
    public async Task ReceiveMessage_answers_are_checked_by_the_SDK(string? spoil)
    {
        using var sqs = NewClient();
        sqs.Respond = _ => Answer(new JsonObject
        {
            ["Messages"] = new JsonArray(
                Message("m1", SdkSignedRequest.UnicodeBody, Attributes, spoil),
                Message("m2", "no attributes here", [], spoil: null)),
        });
        var receive = sqs.Client.ReceiveMessageAsync(new ReceiveMessageRequest
        {
            QueueUrl = QueueUrl,
            MaxNumberOfMessages = 10,
            MessageAttributeNames = ["All"],
        }, TestContext.Current.CancellationToken);

        if (spoil is null)
        {
            var response = await receive;
            Assert.Equal([SdkSignedRequest.UnicodeBody, "no attributes here"], response.Messages.Select(m => m.Body));
            var received = response.Messages[0].MessageAttributes;
            Assert.Equal(Attributes.Select(a => a.Name).Order(), received.Keys.Order());
            Assert.Equal([0x00, 0x01, 0x7F, 0x80, 0xFF], received["blob"].BinaryValue.ToArray());
        }
        else
        {
            var error = await Assert.ThrowsAsync<AmazonSQSException>(() => receive);
            Assert.Contains("MD5", error.Message, StringComparison.Ordinal);
        }
    }

    private static JsonObject Message(string id, string body, SqsAttributeValue[] attributes, string? spoil)
    {
        var message = new JsonObject
        {
            ["MessageId"] = id,
            ["ReceiptHandle"] = "handle-" + id,
            ["Body"] = body,
            ["MD5OfBody"] = Md5Digests.OfMessageBody(spoil == "body" ? body.ToUpperInvariant() : body),
        };
        if (attributes.Length > 0)
        {
            var json = new JsonObject();
            foreach (var a in attributes)
            {
                json[a.Name] = a.BinaryValue is { } bytes
                    ? new JsonObject { ["DataType"] = a.DataType, ["BinaryValue"] = Convert.ToBase64String(bytes) }
                    : new JsonObject { ["DataType"] = a.DataType, ["StringValue"] = a.StringValue };
            }

            message["MessageAttributes"] = json;
            message["MD5OfMessageAttributes"] = spoil == "attributes"
                ? Md5Reference.OfAttributes(attributes, StringComparer.OrdinalIgnoreCase)
                : Md5Digests.OfMessageAttributes(attributes);
        }

        return message;
    }

    /// <summary>The attributes as a server reads them from the SDK's JSON request.</summary>
    private static SqsAttributeValue[] ReadAttributes(JsonNode? json) =>
        json is null
            ? []
            : json.AsObject().Select(p => new SqsAttributeValue(p.Key, (string)p.Value!["DataType"]!,
                (string?)p.Value["StringValue"],
                p.Value["BinaryValue"] is { } b ? Convert.FromBase64String((string)b!) : null)).ToArray();

    private static MessageAttributeValue ToSdk(SqsAttributeValue a) => a.BinaryValue is { } bytes
        ? new MessageAttributeValue { DataType = a.DataType, BinaryValue = new MemoryStream(bytes) }
        : new MessageAttributeValue { DataType = a.DataType, StringValue = a.StringValue };

    private static CannedResponse Answer(JsonObject json) => new(json.ToJsonString(new JsonSerializerOptions()));

    private static CapturingSqsClient NewClient() =>
        new(new BasicAWSCredentials(SdkSignedRequest.KeyId, SdkSignedRequest.Secret));
}
