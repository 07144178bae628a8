using Spartan.Api.Http;

namespace Spartan.Api.Features.Sqs;

/// <summary>The byte bounds of the SQS door: a request carries at most ten messages, each of up to <c>body_size</c>
/// bytes, which JSON escaping or base64 may make six times longer.</summary>
public sealed class SqsLimits(ApiLimits api)
{
    public const int MaxBatchEntries = 10;

    /// <summary>The largest request body read.</summary>
    public int RequestBytes { get; } = (int)Math.Min(int.MaxValue / 2, MaxBatchEntries * api.RequestLimit);

    /// <summary><c>body_size</c>: the most bytes of one message, body and attributes together.</summary>
    public int MessageBytes { get; } = api.BodySize;
}
