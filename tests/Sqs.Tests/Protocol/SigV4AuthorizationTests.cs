using Spartan.Api.Features.Sqs.Protocol;

namespace Spartan.Sqs.Tests.Protocol;

/// <summary>
/// The Authorization header parser: what SDKs send and the variations AWS accepts parse, everything else is refused
/// without an exception, because the header is the first attacker-controlled input the SQS door reads.
/// </summary>
public sealed class SigV4AuthorizationTests
{
    private const string Credential = "Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request";
    private const string SignedHeaders = "SignedHeaders=host;x-amz-date";
    private const string Signature = "Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31";
    private const string Vanilla = $"AWS4-HMAC-SHA256 {Credential}, {SignedHeaders}, {Signature}";

    [Fact]
    public async Task The_SDKs_header_parses_into_its_parts()
    {
        var request = await SdkSignedRequest.CaptureAsync("SendMessage");

        Assert.True(SigV4Authorization.TryParse(request.Authorization, out var auth), request.Authorization);

        Assert.Equal(SdkSignedRequest.KeyId, auth.KeyId);
        Assert.Equal(request.Header("x-amz-date")[..8], auth.Date);
        Assert.Equal("us-east-1", auth.Region);
        Assert.Equal("sqs", auth.Service);
        Assert.Equal(string.Join(';', request.SignedHeaderNames()), auth.SignedHeaders);
        Assert.EndsWith("Signature=" + auth.Signature, request.Authorization, StringComparison.Ordinal);
        Assert.Matches("^[0-9a-f]{64}$", auth.Signature);
    }

    [Fact]
    public void A_hand_written_header_parses_into_its_parts()
    {
        Assert.True(SigV4Authorization.TryParse(
            "AWS4-HMAC-SHA256 Credential=spartan-key_01/20240229/eu-west-3/sqs/aws4_request, "
            + "SignedHeaders=content-type;host;x-amz-date, Signature=" + new string('a', 64), out var auth));

        Assert.Equal("spartan-key_01", auth.KeyId);
        Assert.Equal("20240229", auth.Date);
        Assert.Equal("eu-west-3", auth.Region);
        Assert.Equal("sqs", auth.Service);
        Assert.Equal("content-type;host;x-amz-date", auth.SignedHeaders);
        Assert.Equal(new string('a', 64), auth.Signature);
    }

    [Theory]
    [InlineData($"AWS4-HMAC-SHA256 {Signature}, {SignedHeaders}, {Credential}")]
    [InlineData($"AWS4-HMAC-SHA256 {SignedHeaders}, {Credential}, {Signature}")]
    [InlineData($"AWS4-HMAC-SHA256 {Credential},{SignedHeaders},{Signature}")]
    [InlineData($"AWS4-HMAC-SHA256 {Signature},{Credential},{SignedHeaders}")]
    [InlineData($"AWS4-HMAC-SHA256 {Credential},  {SignedHeaders} ,{Signature}")]
    public void Components_in_any_order_with_or_without_spaces_parse_and_verify_alike(string header)
    {
        Assert.True(SigV4Authorization.TryParse(Vanilla, out var expected));

        Assert.True(SigV4Authorization.TryParse(header, out var auth), header);

        Assert.Equal((expected.KeyId, expected.Date, expected.Region, expected.Service, expected.SignedHeaders,
            expected.Signature), (auth.KeyId, auth.Date, auth.Region, auth.Service, auth.SignedHeaders, auth.Signature));
        var headers = new Dictionary<string, string>
        {
            ["host"] = "example.amazonaws.com",
            ["x-amz-date"] = "20150830T123600Z",
        };
        Assert.Equal(SigV4Outcome.Valid, SigV4.Verify(auth, SdkSignedRequest.Secret, "GET", "/", "",
            headers.GetValueOrDefault, SigV4.EmptyPayloadSha256, new DateTimeOffset(2015, 8, 30, 12, 36, 0,
                TimeSpan.Zero)));
    }

    [Theory]
    // Other algorithms, including SigV4a and near misses of the name.
    [InlineData($"AWS4-HMAC-SHA512 {Credential}, {SignedHeaders}, {Signature}")]
    [InlineData($"AWS4-ECDSA-P256-SHA256 {Credential}, {SignedHeaders}, {Signature}")]
    [InlineData($"AWS4-HMAC-SHA2567 {Credential}, {SignedHeaders}, {Signature}")]
    [InlineData($"aws4-hmac-sha256 {Credential}, {SignedHeaders}, {Signature}")]
    [InlineData($"AWS4-HMAC-SHA256,{Credential}, {SignedHeaders}, {Signature}")]
    [InlineData($"AWS3-HTTPS AWSAccessKeyId=AKIDEXAMPLE,Algorithm=HmacSHA256,{Signature}")]
    [InlineData("AWS4-HMAC-SHA256")]
    [InlineData("AWS4-HMAC-SHA256 ")]
    // A component missing.
    [InlineData($"AWS4-HMAC-SHA256 {SignedHeaders}, {Signature}")]
    [InlineData($"AWS4-HMAC-SHA256 {Credential}, {Signature}")]
    [InlineData($"AWS4-HMAC-SHA256 {Credential}, {SignedHeaders}")]
    // A component repeated, even with the same value.
    [InlineData($"AWS4-HMAC-SHA256 {Credential}, {Credential}, {SignedHeaders}, {Signature}")]
    [InlineData($"AWS4-HMAC-SHA256 {Credential}, {SignedHeaders}, {SignedHeaders}, {Signature}")]
    [InlineData($"AWS4-HMAC-SHA256 {Credential}, {SignedHeaders}, {Signature}, {Signature}")]
    [InlineData($"AWS4-HMAC-SHA256 {Credential}, {SignedHeaders}, {Signature}, Signature=" + "00000000000000000000000000000000000000000000000000000000000000ff")]
    // An unknown component, or one without a value marker.
    [InlineData($"AWS4-HMAC-SHA256 {Credential}, {SignedHeaders}, {Signature}, Extra=1")]
    [InlineData($"AWS4-HMAC-SHA256 {Credential}, {SignedHeaders}, {Signature}, Extra")]
    [InlineData($"AWS4-HMAC-SHA256 credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, {SignedHeaders}, {Signature}")]
    // A credential scope that is not key/yyyyMMdd/region/service/aws4_request.
    [InlineData($"AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service, {SignedHeaders}, {Signature}")]
    [InlineData($"AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_requests, {SignedHeaders}, {Signature}")]
    [InlineData($"AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request/, {SignedHeaders}, {Signature}")]
    [InlineData($"AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/2015083/us-east-1/service/aws4_request, {SignedHeaders}, {Signature}")]
    [InlineData($"AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/201508301/us-east-1/service/aws4_request, {SignedHeaders}, {Signature}")]
    [InlineData($"AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/2015-830/us-east-1/service/aws4_request, {SignedHeaders}, {Signature}")]
    [InlineData($"AWS4-HMAC-SHA256 Credential=/20150830/us-east-1/service/aws4_request, {SignedHeaders}, {Signature}")]
    [InlineData($"AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830//service/aws4_request, {SignedHeaders}, {Signature}")]
    [InlineData($"AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1//aws4_request, {SignedHeaders}, {Signature}")]
    [InlineData($"AWS4-HMAC-SHA256 Credential=, {SignedHeaders}, {Signature}")]
    // A signature that is not 64 hex digits.
    [InlineData($"AWS4-HMAC-SHA256 {Credential}, {SignedHeaders}, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf3")]
    [InlineData($"AWS4-HMAC-SHA256 {Credential}, {SignedHeaders}, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf311")]
    [InlineData($"AWS4-HMAC-SHA256 {Credential}, {SignedHeaders}, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf3g")]
    [InlineData($"AWS4-HMAC-SHA256 {Credential}, {SignedHeaders}, Signature=")]
    // Signed header names not in the lowercase the canonical request uses, or empty.
    [InlineData($"AWS4-HMAC-SHA256 {Credential}, SignedHeaders=Host;x-amz-date, {Signature}")]
    [InlineData($"AWS4-HMAC-SHA256 {Credential}, SignedHeaders=host;X-Amz-Date, {Signature}")]
    [InlineData($"AWS4-HMAC-SHA256 {Credential}, SignedHeaders=, {Signature}")]
    [InlineData($"AWS4-HMAC-SHA256 {Credential}, SignedHeaders=host;;x-amz-date, {Signature}")]
    [InlineData($"AWS4-HMAC-SHA256 {Credential}, SignedHeaders=host;x amz date, {Signature}")]
    [InlineData("")]
    [InlineData(null)]
    public void Anything_else_is_refused_without_an_exception(string? header)
    {
        Assert.False(SigV4Authorization.TryParse(header, out var auth), header);

        Assert.Equal(default, auth);
        Assert.Equal(SigV4Outcome.MalformedAuthorization, SigV4.Verify(auth, SdkSignedRequest.Secret, "GET", "/", "",
            _ => "x", SigV4.EmptyPayloadSha256, DateTimeOffset.UnixEpoch));
    }

    [Fact]
    public void The_vanilla_header_itself_parses()
    {
        // Every refusal above is a one-part edit of this header, so it must be accepted for them to mean anything.
        Assert.True(SigV4Authorization.TryParse(Vanilla, out var auth));

        Assert.Equal("AKIDEXAMPLE", auth.KeyId);
        Assert.Equal("20150830", auth.Date);
        Assert.Equal("us-east-1", auth.Region);
        Assert.Equal("service", auth.Service);
        Assert.Equal("host;x-amz-date", auth.SignedHeaders);
        Assert.Equal("5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31", auth.Signature);
    }
}
