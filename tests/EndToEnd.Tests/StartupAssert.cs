namespace Spartan.EndToEnd.Tests;

/// <summary>SPEC §5: a node that cannot start says why in one line, never with a stack trace.</summary>
internal static class StartupAssert
{
    public static void NoStackTrace(string stderr)
    {
        Assert.DoesNotContain("Unhandled exception", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception:", stderr, StringComparison.Ordinal);
    }
}
