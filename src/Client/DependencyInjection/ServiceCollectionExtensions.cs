using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Spartan.Client;

/// <summary>Registers the Spartan client and processors in a service collection.</summary>
public static class SpartanServiceCollectionExtensions
{
    /// <summary>The name of the <see cref="HttpClient"/> the client gets from <see cref="IHttpClientFactory"/>.</summary>
    public const string HttpClientName = "Spartan.Client";

    /// <summary>Registers one <see cref="SpartanClient"/> (a singleton: it holds the batchers) over a named
    /// <see cref="HttpClient"/> of <see cref="IHttpClientFactory"/>, with a <see cref="RetryHandler"/> for idempotent
    /// reads and no client-wide timeout (long polls are bounded per request). Answers the HTTP client's builder for
    /// more handlers; do not add the stock resilience handler, whose 10 s attempt timeout cuts long polls short and
    /// whose retries would repeat pops and pushes.</summary>
    public static IHttpClientBuilder AddSpartanClient(this IServiceCollection services, Action<SpartanClientOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        services.AddOptions<SpartanClientOptions>().Configure(configure);
        var builder = services.AddHttpClient(HttpClientName)
            .ConfigureHttpClient((provider, http) =>
            {
                http.BaseAddress = Options(provider).BaseAddress;
                http.Timeout = Timeout.InfiniteTimeSpan;
            })
            .AddHttpMessageHandler(provider =>
            {
                var options = Options(provider);
                return new RetryHandler(options.MaxRetries, options.RetryDelay, options.TimeProvider);
            });
        services.TryAddSingleton(provider =>
        {
            var factory = provider.GetRequiredService<IHttpClientFactory>();
            // A client per request from the factory, so that its handlers are renewed as the factory rotates them.
            return new SpartanClient(() => factory.CreateClient(HttpClientName), Options(provider));
        });
        return builder;
    }

    /// <summary>Registers a hosted <see cref="SpartanProcessor"/> of <paramref name="queue"/> that resolves
    /// <typeparamref name="THandler"/> in a new scope for each message. Needs <see cref="AddSpartanClient"/>.</summary>
    public static IServiceCollection AddSpartanProcessor<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] THandler>(
        this IServiceCollection services, string queue, Action<ProcessorOptions>? configure = null)
        where THandler : class, IMessageHandler
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddScoped<THandler>();
        return services.AddSpartanProcessor(queue, static provider => async (message, ct) =>
        {
            var scope = provider.CreateAsyncScope();
            await using (scope.ConfigureAwait(false))
                await scope.ServiceProvider.GetRequiredService<THandler>().HandleAsync(message, ct).ConfigureAwait(false);
        }, configure);
    }

    /// <summary>Registers a hosted <see cref="SpartanProcessor"/> of <paramref name="queue"/> whose handler
    /// <paramref name="handler"/> makes from the root services. Needs <see cref="AddSpartanClient"/>.</summary>
    public static IServiceCollection AddSpartanProcessor(this IServiceCollection services, string queue,
        Func<IServiceProvider, Func<ReceivedMessage, CancellationToken, Task>> handler, Action<ProcessorOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrEmpty(queue);
        ArgumentNullException.ThrowIfNull(handler);
        var options = new ProcessorOptions();
        configure?.Invoke(options);
        // Added, not tried: several processors (of several queues) are several hosted services.
        services.AddSingleton<IHostedService>(provider =>
            new SpartanProcessor(provider.GetRequiredService<SpartanClient>(), queue, handler(provider), options));
        return services;
    }

    private static SpartanClientOptions Options(IServiceProvider provider) =>
        provider.GetRequiredService<IOptions<SpartanClientOptions>>().Value;
}
