namespace Spartan.Api.Http;

/// <summary>Size limits of SPEC §3.4: a request of more bytes than 6 × <c>body_size</c> + 64 KiB is refused
/// before parsing (JSON escaping can make a body six times longer).</summary>
public sealed class ApiLimits(int bodySize)
{
    public int BodySize { get; } = bodySize;

    public long RequestLimit { get; } = 6L * bodySize + 64 * 1024;

    /// <summary>The limit of the batch routes: 100 times <see cref="RequestLimit"/>.</summary>
    public long BatchRequestLimit => 100 * RequestLimit;
}
