using System.Globalization;
using Spartan.Api.Features.Sqs.Protocol;

namespace Spartan.Sqs.Tests.Protocol;

/// <summary>
/// Requests signed by the real AWSSDK.SQS verify, and each way of spoiling one is caught with the outcome that names
/// it: the SDK, not a hand-written request, is what SQS clients will send.
/// </summary>
public sealed class SigV4SdkTests
{
    private const string Root = SdkSignedRequest.RootUrl;
    private const string Send = "SendMessage";

    public static TheoryData<string, string> ActionsAndUrls => SdkSignedRequest.ActionsAndUrls();

    [Theory]
    [MemberData(nameof(ActionsAndUrls))]
    public async Task What_the_SDK_signs_verifies(string action, string serviceUrl)
    {
        var request = await SdkSignedRequest.CaptureAsync(action, serviceUrl);

        Assert.Equal(SigV4Outcome.Valid, request.Verify());
    }

    [Theory]
    [MemberData(nameof(ActionsAndUrls))]
    public async Task Another_secret_does_not_verify(string action, string serviceUrl)
    {
        var request = await SdkSignedRequest.CaptureAsync(action, serviceUrl);

        Assert.Equal(SigV4Outcome.SignatureMismatch, request.Verify("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEZ"));
    }

    [Fact]
    public async Task A_secret_longer_than_the_stack_buffer_verifies()
    {
        var secret = new string('k', 299) + "é";
        var request = await SdkSignedRequest.CaptureAsync(Send, secret: secret);

        Assert.Equal(SigV4Outcome.Valid, request.Verify(secret));
        Assert.Equal(SigV4Outcome.SignatureMismatch, request.Verify(secret[..^1] + "e"));
    }

    [Fact]
    public async Task The_SDK_signs_the_payload_hash_header()
    {
        var request = await SdkSignedRequest.CaptureAsync(Send);

        // The two body tests below rely on this: a new SDK that stopped signing it would turn them into other cases.
        Assert.Contains("x-amz-content-sha256", request.SignedHeaderNames());
        Assert.Equal(SigV4.Sha256Hex(request.Body), request.Header("x-amz-content-sha256"));
    }

    [Fact]
    public async Task A_body_changed_by_one_byte_contradicts_the_signed_payload_hash()
    {
        var request = await SdkSignedRequest.CaptureAsync(Send);

        request.ChangeOneBodyByte();

        Assert.Equal(SigV4Outcome.PayloadHashMismatch, request.Verify());
    }

    [Fact]
    public async Task A_changed_body_with_a_matching_payload_hash_header_breaks_the_signature()
    {
        var request = await SdkSignedRequest.CaptureAsync(Send);

        request.ChangeOneBodyByte();
        request.Headers["x-amz-content-sha256"] = SigV4.Sha256Hex(request.Body);

        Assert.Equal(SigV4Outcome.SignatureMismatch, request.Verify());
    }

    [Fact]
    public async Task The_reference_signer_reproduces_the_SDK()
    {
        // The unsigned-payload-hash tests re-sign with ReferenceSigner; this shows it signs exactly as the SDK does.
        foreach (var url in new[] { Root, SdkSignedRequest.PathUrl })
        {
            var request = await SdkSignedRequest.CaptureAsync(Send, url);

            Assert.EndsWith("Signature=" + Resign(request, request.SignedHeaderNames()), request.Authorization,
                StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Without_a_signed_payload_hash_a_changed_body_breaks_the_signature()
    {
        var request = await SdkSignedRequest.CaptureAsync(Send);
        var signedHeaders = request.SignedHeaderNames().Where(n => n != "x-amz-content-sha256").ToArray();
        request.Authorization = ReferenceSigner.Authorization(SdkSignedRequest.KeyId, request.Header("x-amz-date"),
            "us-east-1", "sqs", signedHeaders, Resign(request, signedHeaders));
        Assert.Equal(SigV4Outcome.Valid, request.Verify());

        request.ChangeOneBodyByte();

        Assert.Equal(SigV4Outcome.SignatureMismatch, request.Verify());
    }

    [Fact]
    public async Task An_unsigned_payload_hash_header_is_ignored()
    {
        var request = await SdkSignedRequest.CaptureAsync(Send);
        var signedHeaders = request.SignedHeaderNames().Where(n => n != "x-amz-content-sha256").ToArray();
        request.Authorization = ReferenceSigner.Authorization(SdkSignedRequest.KeyId, request.Header("x-amz-date"),
            "us-east-1", "sqs", signedHeaders, Resign(request, signedHeaders));

        // Unsigned, anyone could have written it; the body itself is what the signature covers.
        request.Headers["x-amz-content-sha256"] = SigV4.EmptyPayloadSha256;

        Assert.Equal(SigV4Outcome.Valid, request.Verify());
    }

    [Theory]
    [InlineData(16 * 60, SigV4Outcome.Expired)]
    [InlineData(-16 * 60, SigV4Outcome.Expired)]
    [InlineData(15 * 60 + 1, SigV4Outcome.Expired)]
    [InlineData(-(15 * 60 + 1), SigV4Outcome.Expired)]
    [InlineData(15 * 60, SigV4Outcome.Valid)]
    [InlineData(14 * 60, SigV4Outcome.Valid)]
    [InlineData(-14 * 60, SigV4Outcome.Valid)]
    public async Task The_signing_time_may_be_up_to_15_minutes_from_now(int nowMinusSignedSeconds,
        SigV4Outcome expected)
    {
        var request = await SdkSignedRequest.CaptureAsync(Send);

        var now = request.SignedAt.AddSeconds(nowMinusSignedSeconds);

        Assert.Equal(expected, request.Verify(now: now));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("garbage")]
    [InlineData("2026-01-02T03:04:05Z")]
    [InlineData("20261302T030405Z")]
    [InlineData("20260102T030405")]
    [InlineData("20260102T030405Z ")]
    public async Task A_missing_or_malformed_x_amz_date_is_an_invalid_date(string? amzDate)
    {
        var request = await SdkSignedRequest.CaptureAsync(Send);
        var now = request.SignedAt;

        if (amzDate is null)
            request.Headers.Remove("x-amz-date");
        else
            request.Headers["x-amz-date"] = amzDate;

        Assert.Equal(SigV4Outcome.InvalidDate, request.Verify(now: now));
    }

    [Fact]
    public async Task A_credential_dated_another_day_is_a_credential_date_mismatch()
    {
        var request = await SdkSignedRequest.CaptureAsync(Send);
        var day = request.Header("x-amz-date")[..8];
        var dayBefore = request.SignedAt.AddDays(-1).ToString("yyyyMMdd", CultureInfo.InvariantCulture);

        request.Authorization = request.Authorization.Replace($"/{day}/", $"/{dayBefore}/", StringComparison.Ordinal);

        Assert.Contains($"/{dayBefore}/", request.Authorization, StringComparison.Ordinal);
        Assert.Equal(SigV4Outcome.CredentialDateMismatch, request.Verify());
    }

    [Fact]
    public async Task A_signature_that_leaves_host_out_is_refused_as_host_not_signed()
    {
        var request = await SdkSignedRequest.CaptureAsync(Send);

        request.Authorization = request.Authorization.Replace(";host;", ";", StringComparison.Ordinal);

        Assert.DoesNotContain("host", request.SignedHeaderNames());
        Assert.Equal(SigV4Outcome.HostNotSigned, request.Verify());
    }

    [Theory]
    [InlineData("x-amz-target")]
    [InlineData("content-type")]
    [InlineData("host")]
    [InlineData("x-amz-api-version")]
    public async Task A_signed_header_missing_from_the_request_is_a_signature_mismatch(string name)
    {
        var request = await SdkSignedRequest.CaptureAsync(Send);
        Assert.Contains(name, request.SignedHeaderNames());

        request.Headers.Remove(name);

        Assert.Equal(SigV4Outcome.SignatureMismatch, request.Verify());
    }

    [Fact]
    public async Task A_signed_payload_hash_header_missing_from_the_request_is_a_payload_hash_mismatch()
    {
        var request = await SdkSignedRequest.CaptureAsync(Send);

        request.Headers.Remove("x-amz-content-sha256");

        // Checked before the signature: an absent signed hash does not name the body received either.
        Assert.Equal(SigV4Outcome.PayloadHashMismatch, request.Verify());
    }

    [Theory]
    [InlineData("x-amz-target", "AmazonSQS.DeleteQueue")]
    [InlineData("x-amz-target", "AmazonSQS.PurgeQueue")]
    [InlineData("host", "127.0.0.1:5681")]
    public async Task A_tampered_signed_header_is_a_signature_mismatch(string name, string value)
    {
        var request = await SdkSignedRequest.CaptureAsync(Send);

        request.Headers[name] = value;

        Assert.Equal(SigV4Outcome.SignatureMismatch, request.Verify());
    }

    [Fact]
    public async Task Another_signing_second_on_the_same_day_is_a_signature_mismatch()
    {
        var request = await SdkSignedRequest.CaptureAsync(Send);
        var amzDate = request.Header("x-amz-date");

        // Only the last digit of the seconds changes: same day, well within the allowed skew.
        request.Headers["x-amz-date"] = amzDate[..^2] + (amzDate[^2] == '0' ? '1' : '0') + "Z";

        Assert.NotEqual(amzDate, request.Header("x-amz-date"));
        Assert.Equal(SigV4Outcome.SignatureMismatch, request.Verify());
    }

    [Fact]
    public async Task A_request_sent_to_another_path_is_a_signature_mismatch()
    {
        var request = await SdkSignedRequest.CaptureAsync(Send, SdkSignedRequest.PathUrl);

        request.Path = "/000000000000/other-queue/";

        Assert.Equal(SigV4Outcome.SignatureMismatch, request.Verify());
    }

    [Fact]
    public void An_unparsed_authorization_is_malformed_not_an_exception()
    {
        var outcome = SigV4.Verify(default, SdkSignedRequest.Secret, "POST", "/", "", _ => null,
            SigV4.EmptyPayloadSha256, DateTimeOffset.UnixEpoch);

        Assert.Equal(SigV4Outcome.MalformedAuthorization, outcome);
    }

    private static string Resign(SdkSignedRequest request, IEnumerable<string> signedHeaders) =>
        ReferenceSigner.Signature(SdkSignedRequest.Secret, request.Method, request.Path, request.Query, request.Headers,
            signedHeaders, SigV4.Sha256Hex(request.Body), request.Header("x-amz-date"), "us-east-1", "sqs");
}
