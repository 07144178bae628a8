using System.Net;
using Polly;
using Polly.Retry;

namespace Spartan.Client;

/// <summary>Retries the requests the client marks idempotent (peek, get, stats, size, queues, health) on connection
/// errors and 503, with exponential backoff and jitter. Every other request goes through once: a pop reserves, a push
/// adds, so sending one again after a lost answer would do it twice. It sets no timeout of its own: a long poll is
/// bounded by the client (<see cref="SpartanClientOptions.RequestTimeout"/> + its wait), never cut short.</summary>
public sealed class RetryHandler : DelegatingHandler
{
    /// <summary>The request option that marks a request safe to send again.</summary>
    public static readonly HttpRequestOptionsKey<bool> Idempotent = new("Spartan.Idempotent");

    private readonly ResiliencePipeline<HttpResponseMessage> _pipeline;

    /// <summary>A handler that retries up to <paramref name="maxRetries"/> times, the first after <paramref name="delay"/>.</summary>
    public RetryHandler(int maxRetries, TimeSpan delay, TimeProvider time)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxRetries);
        ArgumentNullException.ThrowIfNull(time);
        _pipeline = maxRetries == 0
            ? ResiliencePipeline<HttpResponseMessage>.Empty
            : new ResiliencePipelineBuilder<HttpResponseMessage> { TimeProvider = time }
                .AddRetry(new RetryStrategyOptions<HttpResponseMessage>
                {
                    MaxRetryAttempts = maxRetries,
                    Delay = delay,
                    BackoffType = DelayBackoffType.Exponential,
                    UseJitter = true,
                    ShouldHandle = new PredicateBuilder<HttpResponseMessage>()
                        .Handle<HttpRequestException>()
                        .HandleResult(r => r.StatusCode == HttpStatusCode.ServiceUnavailable),
                    OnRetry = static args =>
                    {
                        args.Outcome.Result?.Dispose(); // the answer that is retried is never read
                        return default;
                    },
                })
                .Build();
    }

    /// <inheritdoc />
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (!request.Options.TryGetValue(Idempotent, out var idempotent) || !idempotent)
            return base.SendAsync(request, cancellationToken);
        return _pipeline.ExecuteAsync(static async (state, ct) => await state.Item1.SendOnceAsync(state.request, ct).ConfigureAwait(false),
            (this, request), cancellationToken).AsTask();
    }

    private Task<HttpResponseMessage> SendOnceAsync(HttpRequestMessage request, CancellationToken ct) => base.SendAsync(request, ct);
}
