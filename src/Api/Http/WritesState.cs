namespace Spartan.Api.Http;

/// <summary>Endpoint metadata: the route changes state (pop and long poll included), so a replica refuses it with
/// 503 <c>Read-only replica</c> (SPEC §7).</summary>
public sealed class WritesState
{
    public static WritesState Instance { get; } = new();
}
