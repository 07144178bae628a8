namespace Spartan.Api.Http;

/// <summary>Message ids as the API writes them: the 36-character hyphenated form, nothing looser (SPEC §3.4).</summary>
public static class Uuid
{
    public static bool TryParse(string? text, out Guid id) => Guid.TryParseExact(text, "D", out id);
}
