using System.Text.Json;
using FastEndpoints;
using FastEndpoints.Swagger;
using Spartan.Api.Configuration;
using Spartan.Api.Features.Sqs;
using Spartan.Api.Http;
using Spartan.Domain;
using Spartan.Engine;

namespace Spartan.Api.Hosting;

/// <summary>Builds the HTTP server of one node from its configuration; the CLI and the tests share it.</summary>
public static class SpartanServer
{
    private const string OpenApiDocument = "spartan";

    /// <summary>Builds the server over storage the caller opened (and disposes after the server).</summary>
    public static WebApplication Build(SpartanConfig config, NodeStorage storage, HostAddress address, LogLevel logLevel,
        Action<WebApplicationBuilder>? customize = null, ReplicationLinks? links = null)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            ApplicationName = "spartan",
            ContentRootPath = AppContext.BaseDirectory,
        });
        Logging.Configure(builder.Logging, logLevel);
        // Loaded before anything starts, so a missing or broken file stops the start with its name (SPEC §5).
        var tls = config.Tls is { } tlsConfig ? new HttpTls(tlsConfig) : null;
        var limits = new ApiLimits(config.BodySize);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(address.EndPoint, listen => tls?.Apply(listen));
            kestrel.AddServerHeader = false;
            // The largest body any route takes; RequestGate lowers it per request to the route's own limit.
            kestrel.Limits.MaxRequestBodySize = limits.BatchRequestLimit;
        });

        AddSpartan(builder.Services, config, limits, storage, links ?? new ReplicationLinks());
        if (tls is not null) builder.Services.AddSingleton(tls);
        customize?.Invoke(builder);

        var app = builder.Build();
        tls?.LogTo(app.Services.GetRequiredService<ILogger<HttpTls>>());
        app.UseMiddleware<HttpMetricsMiddleware>();
        app.UseMiddleware<ErrorResponses>();
        // Before routing: SQS requests name their action in a header and may post to any path (a queue URL).
        if (config.Sqs.Enabled) app.UseMiddleware<SqsDoor>();
        app.UseRouting();
        // After routing (the endpoint and its route values are known), before the endpoint reads any body byte.
        app.UseMiddleware<RequestGate>();
        // The document and its page live under /_/; every other request skips their middlewares (an async step each,
        // the page's a static-file lookup among them) instead of passing through them on its way to its endpoint.
        app.UseWhen(static context => context.Request.Path.StartsWithSegments("/_"), docs =>
        {
            docs.UseOpenApi(openApi =>
            {
                openApi.DocumentName = OpenApiDocument;
                openApi.Path = "/_/openapi.json";
            });
            docs.UseSwaggerUi(ui =>
            {
                ui.Path = "/_/docs";
                ui.DocumentPath = "/_/openapi.json";
            });
        });
        app.UseFastEndpoints(fe =>
        {
            fe.Endpoints.Configurator = endpoint =>
            {
                endpoint.AllowAnonymous();
                var body = BodyKind.None;
                if (endpoint.ReqDtoType != typeof(EmptyRequest))
                {
                    body = typeof(IBatchBody).IsAssignableFrom(endpoint.ReqDtoType) ? BodyKind.Batch : BodyKind.Message;
                    endpoint.PreProcessor<BodyGate>(Order.Before);
                    endpoint.RequestBinder(typeof(JsonBodyBinder<>));
                    // SPEC §3.1: bodies are JSON whatever their Content-Type. Accepting */* keeps routing and
                    // FastEndpoints from answering 415 (even with no Content-Type); application/json stays for the docs.
                    var type = endpoint.ReqDtoType;
                    endpoint.Description(b => b.ClearDefaultAccepts().Accepts(type, "application/json", "*/*"));
                }

                // Runs once the endpoint's own metadata is in place, so the rule sees its RouteAccess and WritesState.
                endpoint.Options(b => b.Finally(built => built.Metadata.Add(GateRule.For(built, body))));
            };
        });
        return app;
    }

    private static void AddSpartan(IServiceCollection services, SpartanConfig config, ApiLimits limits, NodeStorage storage,
        ReplicationLinks links)
    {
        services.AddSingleton(config);
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(NodeInfo.For(config));
        services.AddSingleton(new AccessKeys(config.AccessKeys));
        services.AddSingleton(new DeclaredQueues(config.Queues));
        services.AddSingleton(limits);
        services.AddSingleton<DirectRoutes>();
        services.AddSingleton(config.Sqs);
        services.AddSingleton<SqsLimits>();
        services.AddSingleton<QueueUrls>();
        services.AddSingleton<SqsAuthentication>();
        services.AddSingleton<SqsActions>();
        services.AddSingleton(new GcInterval(TimeSpan.FromSeconds(config.GcTimerSeconds)));
        services.AddSingleton(storage);
        services.AddSingleton(storage.Engine);
        var replica = config.Replication?.Mode == ReplicationMode.Replica;
        var cluster = config.Cluster is not null;
        // A replica decides nothing by time: expiry and GC arrive as its primary's events.
        storage.State.FollowsPrimary = replica || cluster;
        services.AddSingleton(sp =>
        {
            var broker = new Broker(storage.State, storage.Engine, sp.GetRequiredService<TimeProvider>(),
                sp.GetRequiredService<ILogger<Broker>>());
            if (cluster)
            {
                // A cluster node follows until etcd makes it the primary, and answers writes only as the barrier allows.
                _ = broker.FollowAsync();
                broker.SetCommitBarrier(sp.GetRequiredService<ClusterBarrier>());
            }

            return broker;
        });
        if (config.Cluster is { } clusterConfig)
        {
            services.AddSingleton(sp => ClusterCoordination.Connect(clusterConfig, sp.GetRequiredService<ILogger<ClusterCoordination>>()));
            services.AddSingleton<ClusterBarrier>();
            services.AddSingleton<ClusterHost>();
        }
        services.AddSingleton<NodeMetrics>();
        services.AddSingleton<ICommitObserver>(static sp => sp.GetRequiredService<NodeMetrics>());
        if (config.Replication?.Mode == ReplicationMode.Primary || cluster)
        {
            services.AddSingleton(static sp => new RetainedEvents().StartingAfter(sp.GetRequiredService<Broker>().CommittedSequence));
            services.AddSingleton<ICommitObserver>(static sp => sp.GetRequiredService<RetainedEvents>());
        }

        services.AddSingleton(sp =>
        {
            if (replica || cluster)
                links.Replica ??= ReplicationHost.NewReplicaServer(config, sp.GetRequiredService<Broker>(),
                    sp.GetRequiredService<ILoggerFactory>(), links.Tls, sp.GetRequiredService<TimeProvider>());
            return links;
        });
        services.AddSingleton<BackgroundFailures>();
        services.AddSingleton<Backups>();
        services.AddSingleton<SnapshotJob>();
        services.AddSingleton<CommitLoopPart>();
        services.AddSingleton<ReplicationHost>();
        services.AddSingleton<MaintenanceJobs>();
        services.AddSingleton<CompactionJob>();
        services.AddSingleton<StoreResumeJob>();
        services.AddHostedService(sp =>
        {
            // The one order a node starts in (and stops in, reversed): see NodeLifecycle.
            var parts = new List<INodePart>
            {
                sp.GetRequiredService<SnapshotJob>(),
                sp.GetRequiredService<CommitLoopPart>(),
                cluster ? sp.GetRequiredService<ClusterHost>() : sp.GetRequiredService<ReplicationHost>(),
            };
            if (!replica) parts.Add(sp.GetRequiredService<MaintenanceJobs>());
            parts.Add(sp.GetRequiredService<CompactionJob>());
            parts.Add(sp.GetRequiredService<StoreResumeJob>());
            return new NodeLifecycle(parts, sp.GetRequiredService<ILogger<NodeLifecycle>>());
        });
        services.AddFastEndpoints(fe =>
        {
            fe.DisableAutoDiscovery = true;
            fe.Assemblies = [typeof(SpartanServer).Assembly];
        });
        services.SwaggerDocument(doc =>
        {
            doc.ShortSchemaNames = true;
            doc.AutoTagPathSegmentIndex = 0;
            doc.SerializerSettings = json => json.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower;
            doc.DocumentSettings = settings =>
            {
                settings.DocumentName = OpenApiDocument;
                settings.Title = "Spartan";
                settings.Version = NodeInfo.BuildVersion;
                settings.Description = "A self-hosted message queue with an SQS-like HTTP API. Errors are " +
                                       "application/problem+json with the titles of the specification.";
                settings.OperationProcessors.Add(new QueryParameterProcessor());
            };
        });
    }
}

/// <summary>Maps the configuration's queues and <c>[queue_settings]</c> onto domain definitions.</summary>
public static class QueueDefinitions
{
    public static IEnumerable<QueueDefinition> From(SpartanConfig config)
    {
        foreach (var name in config.Queues)
        {
            yield return config.QueueSettings.TryGetValue(name, out var s)
                ? new QueueSettings(s.DeadLetter, s.MaxTries, s.Timeout, s.Delay).Resolve(name)
                : QueueSettings.None.Resolve(name);
        }
    }
}
