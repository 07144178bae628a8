using System.Net;
using Spartan.Tests.Shared;

namespace Spartan.Api.Tests.Http;

internal static class ProblemAssert
{
    /// <summary>Asserts a problem+json answer with the exact status and title of SPEC §3.4.</summary>
    public static async Task IsAsync(HttpResponseMessage response, HttpStatusCode status, string title, string? detailContains = null)
    {
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(status == response.StatusCode, $"expected {(int)status} {title}, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = System.Text.Json.JsonDocument.Parse(body).RootElement;
        Assert.Equal(title, problem.GetProperty("title").GetString());
        Assert.Equal((int)status, problem.GetProperty("status").GetInt32());
        if (detailContains is not null) Assert.Contains(detailContains, problem.GetProperty("detail").GetString());
        Assert.DoesNotContain("   at ", body, StringComparison.Ordinal);
    }

    /// <summary>The same for an answer read off a raw socket.</summary>
    public static void Is(RawResponse response, int status, string title, string? detailContains = null)
    {
        Assert.True(status == response.Status, $"expected {status} {title}, got {response}");
        Assert.Equal("application/problem+json", response.MediaType);
        Assert.Equal(title, response.Title);
        if (detailContains is not null) Assert.Contains(detailContains, response.Detail);
        Assert.DoesNotContain("   at ", response.Text, StringComparison.Ordinal);
    }
}
