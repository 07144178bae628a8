namespace Spartan.Bench.Workloads;

/// <summary>How big a <c>workloads</c> run is.</summary>
internal sealed record Sizes(
    long Messages,
    int Clients,
    int BodyBytes,
    IReadOnlyList<long> Depths,
    int LatencySamples,
    TimeSpan PhaseCap)
{
    /// <summary>Messages stored for W5 (memory) and W6 (restart): the deepest W4 depth.</summary>
    public long Stored => Depths[^1];

    public static Sizes Full(long messages, int clients) =>
        new(messages, clients, 100, [1_000, 100_000, 1_000_000], 5_000, TimeSpan.FromSeconds(120));

    public static Sizes Quick(long messages, int clients) =>
        new(messages, clients, 100, [1_000, 10_000, 100_000], 1_000, TimeSpan.FromSeconds(30));
}
