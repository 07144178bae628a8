using System.Text;
using Spartan.Api.Features.Sqs.Protocol;

namespace Spartan.Sqs.Tests.Protocol;

/// <summary>
/// Signatures published in AWS's SigV4 test suite (github.com/awslabs/aws-c-auth, tests/aws-signing-test-suite/v4,
/// "normalize": true): fixed values computed by AWS, so they pin path normalisation, encoding, query sorting and
/// header trimming independently of any SDK. The suite writes paths and queries before a client encodes them; the
/// verifier encodes the wire form once, which turns these into the suite's canonical request.
/// </summary>
public sealed class SigV4VectorTests
{
    private const string AmzDate = "20150830T123600Z";
    private static readonly DateTimeOffset SignedAt = new(2015, 8, 30, 12, 36, 0, TimeSpan.Zero);

    private sealed record Vector(string Method, string Path, string Query, string[] Headers, string Body,
        string Signature);

    private static readonly Dictionary<string, Vector> Vectors = new()
    {
        ["get-vanilla"] = new("GET", "/", "", [], "",
            "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"),
        ["get-vanilla-query-order-key-case"] = new("GET", "/", "Param2=value2&Param1=value1", [], "",
            "b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500"),
        ["get-vanilla-query-order-encoded"] = new("GET", "/", "Param-3=Value3&Param=Value2&%E1%88%B4=Value1", [], "",
            "371d3713e185cc334048618a97f809c9ffe339c62934c032af5a0e595648fcac"),
        ["get-vanilla-query-unreserved"] = new("GET", "/",
            "-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz=-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz",
            [], "", "9c3e54bfcdf0b19771a7f523ee5669cdf59bc7cc0884027167c21bb143a40197"),
        ["get-vanilla-utf8-query"] = new("GET", "/", "ሴ=bar", [], "",
            "2cdec8eed098649ff3a119c94853b13c643bcf08f8b0a1d91e12c9027818dd04"),
        ["get-utf8"] = new("GET", "/ሴ", "", [], "",
            "8318018e0b0f223aa2bbf98705b62bb787dc9c0e678f255a891fd03141be5d85"),
        ["get-unreserved"] = new("GET", "/-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz", "", [],
            "", "07ef7494c76fa4850883e2b006601f940f8a34d404d0cfa977f52a65bbf5f24f"),
        ["get-space-normalized"] = new("GET", "/example space/", "", [], "",
            "652487583200325589f1fba4c7e578f72c47cb61beeca81406b39ddec1366741"),
        ["get-slash-dot-slash-normalized"] = new("GET", "/./", "", [], "",
            "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"),
        ["get-slash-pointless-dot-normalized"] = new("GET", "/./example", "", [], "",
            "ef75d96142cf21edca26f06005da7988e4f8dc83a165a80865db7089db637ec5"),
        ["get-relative-normalized"] = new("GET", "/example/..", "", [], "",
            "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"),
        ["get-relative-relative-normalized"] = new("GET", "/example1/example2/../..", "", [], "",
            "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"),
        ["get-slashes-normalized"] = new("GET", "//example//", "", [], "",
            "9a624bd73a37c9a373b5312afbebe7a714a789de108f0bdfe846570885f57e84"),
        ["get-header-value-trim"] = new("GET", "/", "", ["my-header1: value1", "my-header2:\"a   b   c\""], "",
            "acc3ed3afb60bb290fc8d2dd0098b9911fcaa05412b367055dee359757a9c736"),
        // Repeated headers arrive joined by ",", in the order sent.
        ["get-header-key-duplicate"] = new("GET", "/", "", ["my-header1:value2,value2,value1"], "",
            "c9d5ea9f3f72853aea855b47ea873832890dbdd183b4468f858259531a5138ea"),
        ["get-header-value-order"] = new("GET", "/", "", ["my-header1:value4,value1,value3,value2"], "",
            "08c7e5a9acfcfeb3ab6b2185e75ce8b1deb5e634ec47601a50643f830c755c01"),
        ["post-vanilla-query"] = new("POST", "/", "Param1=value1", [], "",
            "28038455d6de14eafc1f9222cf5aa6f1a96197d7deb8263271d420d138af7f11"),
        ["post-header-key-sort"] = new("POST", "/", "", ["my-header1:value1"], "",
            "c5410059b04c1ee005303aed430f6e6645f61f4dc9e1461ec8f8916fdf18852c"),
        ["post-x-www-form-urlencoded"] = new("POST", "/", "",
            [
                "content-type:application/x-www-form-urlencoded", "content-length:13",
                "x-amz-content-sha256:9095672bbd1f56dfc5b65f3e153adc8731a4a654192329106275f4c7b24d0b6e",
            ],
            "Param1=value1", "d3875051da38690788ef43de4db0d8f280229d82040bfac253562e56c3f20e0b"),
    };

    public static TheoryData<string> Names => new(Vectors.Keys);

    [Fact]
    public void The_documented_get_vanilla_request_verifies()
    {
        const string authorization = "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, "
            + "SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31";
        var headers = new Dictionary<string, string> { ["host"] = "example.amazonaws.com", ["x-amz-date"] = AmzDate };

        Assert.True(SigV4Authorization.TryParse(authorization, out var auth));
        var outcome = SigV4.Verify(auth, SdkSignedRequest.Secret, "GET", "/", "", headers.GetValueOrDefault,
            SigV4.EmptyPayloadSha256, SignedAt);

        Assert.Equal(SigV4Outcome.Valid, outcome);
        Assert.Equal(SigV4Outcome.SignatureMismatch, SigV4.Verify(Parse(authorization.Replace("bf31", "bf30",
            StringComparison.Ordinal)), SdkSignedRequest.Secret, "GET", "/", "", headers.GetValueOrDefault,
            SigV4.EmptyPayloadSha256, SignedAt));
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void A_suite_vector_verifies(string name)
    {
        Assert.Equal(SigV4Outcome.Valid, Verify(Vectors[name], Vectors[name].Signature));
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void A_suite_vector_with_one_signature_digit_changed_does_not(string name)
    {
        var signature = Vectors[name].Signature;
        foreach (var at in new[] { 0, 31, 63 })
        {
            var flipped = signature[..at] + (signature[at] == '0' ? '1' : '0') + signature[(at + 1)..];

            Assert.Equal(SigV4Outcome.SignatureMismatch, Verify(Vectors[name], flipped));
        }
    }

    [Theory]
    [InlineData("GET", "/", "", "us-east-1", "service")]
    [InlineData("HEAD", "/", "", "us-east-1", "service")]
    [InlineData("GET", "/x", "", "us-east-1", "service")]
    [InlineData("GET", "/", "a=b", "us-east-1", "service")]
    [InlineData("GET", "/", "", "us-west-2", "service")]
    [InlineData("GET", "/", "", "us-east-1", "sqs")]
    public void Get_vanilla_signed_for_another_request_or_scope_does_not_verify(string method, string path,
        string query, string region, string service)
    {
        var authorization = $"AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/{region}/{service}/aws4_request, "
            + "SignedHeaders=host;x-amz-date, Signature=" + Vectors["get-vanilla"].Signature;
        var headers = new Dictionary<string, string> { ["host"] = "example.amazonaws.com", ["x-amz-date"] = AmzDate };
        var isTheVector = (method, path, query, region, service) is ("GET", "/", "", "us-east-1", "service");

        var outcome = SigV4.Verify(Parse(authorization), SdkSignedRequest.Secret, method, path, query,
            headers.GetValueOrDefault, SigV4.EmptyPayloadSha256, SignedAt);

        Assert.Equal(isTheVector ? SigV4Outcome.Valid : SigV4Outcome.SignatureMismatch, outcome);
    }

    [Theory]
    [InlineData(300, 1)]
    [InlineData(1, 300)]
    [InlineData(100, 100)]
    public void A_long_region_or_service_is_hashed_whole(int regionLength, int serviceLength)
    {
        // Past 256 UTF-8 bytes the key derivation rents its buffer; "é" makes the byte count differ from the length.
        var region = new string('r', regionLength - 1) + "é";
        var service = new string('s', serviceLength - 1) + "é";
        var headers = new Dictionary<string, string> { ["host"] = "example.amazonaws.com", ["x-amz-date"] = AmzDate };
        var signature = ReferenceSigner.Signature(SdkSignedRequest.Secret, "GET", "/", "", headers, headers.Keys,
            SigV4.EmptyPayloadSha256, AmzDate, region, service);
        var authorization = ReferenceSigner.Authorization(SdkSignedRequest.KeyId, AmzDate, region, service,
            headers.Keys, signature);

        var outcome = SigV4.Verify(Parse(authorization), SdkSignedRequest.Secret, "GET", "/", "",
            headers.GetValueOrDefault, SigV4.EmptyPayloadSha256, SignedAt);
        var truncated = SigV4.Verify(Parse(authorization.Replace("é/", "e/", StringComparison.Ordinal)),
            SdkSignedRequest.Secret, "GET", "/", "", headers.GetValueOrDefault, SigV4.EmptyPayloadSha256, SignedAt);

        Assert.Equal(SigV4Outcome.Valid, outcome);
        Assert.Equal(SigV4Outcome.SignatureMismatch, truncated);
    }

    private static SigV4Outcome Verify(Vector vector, string signature)
    {
        var headers = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["host"] = "example.amazonaws.com",
            ["x-amz-date"] = AmzDate,
        };
        foreach (var line in vector.Headers)
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            headers.Add(line[..colon], line[(colon + 1)..]);
        }

        var authorization = ReferenceSigner.Authorization(SdkSignedRequest.KeyId, AmzDate, "us-east-1", "service",
            headers.Keys, signature);

        return SigV4.Verify(Parse(authorization), SdkSignedRequest.Secret, vector.Method, vector.Path, vector.Query,
            headers.GetValueOrDefault, SigV4.Sha256Hex(Encoding.UTF8.GetBytes(vector.Body)), SignedAt);
    }

    private static SigV4Authorization Parse(string authorization)
    {
        Assert.True(SigV4Authorization.TryParse(authorization, out var auth), authorization);
        return auth;
    }
}
