using FastEndpoints;

namespace Spartan.Api.Http;

/// <summary>The checks of SPEC §3.4 that need the body, run after <see cref="RequestGate"/> has passed the request
/// and <see cref="JsonBodyBinder{T}"/> has read it: too large (413) → malformed or invalid (400).</summary>
/// <remarks>FastEndpoints binds before pre-processors run, so the binder only records what it found and this
/// pre-processor answers.</remarks>
public sealed class BodyGate(ApiLimits limits) : IGlobalPreProcessor
{
    public Task PreProcessAsync(IPreProcessorContext context, CancellationToken ct) => CheckAsync(context.HttpContext, context.Request);

    /// <summary>The checks, for FastEndpoints (above) and for the routes that <see cref="RequestGate"/> runs itself
    /// (<see cref="DirectRoutes"/>); a request that fails one is answered, and the response has then started.</summary>
    public Task CheckAsync(HttpContext http, object? request)
    {
        if (http.ResponseStarted()) return Task.CompletedTask;

        var validated = request as IValidatedBody;
        if (http.Features.Get<RequestBodyState>() is { } state)
            return state.TooLarge
                ? TooLarge(http)
                : Problems.WriteAsync(http, StatusCodes.Status400BadRequest, Problems.InvalidRequest, state.Malformed);

        if (validated?.ExceedsBodySize(limits.BodySize) == true) return TooLarge(http);
        if (validated?.Validate() is { } invalid)
            return Problems.WriteAsync(http, StatusCodes.Status400BadRequest, Problems.InvalidRequest, invalid);
        return Task.CompletedTask;
    }

    private Task TooLarge(HttpContext http) => Problems.WriteAsync(http, StatusCodes.Status413PayloadTooLarge,
        Problems.MessageTooLarge, $"A message body plus its attributes may hold at most {limits.BodySize} bytes.");
}
