using FastEndpoints;
using Spartan.Api.Features.Delete;
using Spartan.Api.Features.Pop;
using Spartan.Api.Features.Push;
using Spartan.Engine;

namespace Spartan.Api.Http;

/// <summary>Endpoint metadata of the routes that <see cref="RequestGate"/> runs itself once it let a request through:
/// push, pop and delete of a single message, the requests that carry most of a queue's traffic.</summary>
/// <remarks>They stay FastEndpoints endpoints (routing, OpenAPI, the gate's rule are unchanged); only their execution
/// skips FastEndpoints' per-request pipeline (an endpoint and its binder built through the container, the request's
/// item bag, validators and processors looked up, several async steps), which cost these routes a measurable share of
/// their CPU against a plain minimal API (issue 15). What runs is the same: <see cref="JsonBodyBinder{T}"/>, then
/// <see cref="BodyGate"/>, then the endpoint's own handler, in FastEndpoints' order.</remarks>
public sealed class DirectRoute
{
    private DirectRoute(string name) => Name = name;

    public string Name { get; }

    public static DirectRoute Push { get; } = new("push");
    public static DirectRoute Pop { get; } = new("pop");
    public static DirectRoute Delete { get; } = new("delete");
}

/// <summary>Runs a <see cref="DirectRoute"/>: bind, check, handle, as FastEndpoints would with the binder and
/// pre-processor that <c>SpartanServer</c> configures for every endpoint with a body.</summary>
public sealed class DirectRoutes(Broker broker, ApiLimits limits, ILoggerFactory loggers)
{
    private readonly JsonBodyBinder<PushBody> _pushBody = new(limits, loggers);
    private readonly JsonBodyBinder<MessageIdBody> _deleteBody = new(limits, loggers);
    private readonly BodyGate _gate = new(limits);

    public Task RunAsync(DirectRoute route, HttpContext http)
    {
        if (ReferenceEquals(route, DirectRoute.Push)) return PushAsync(http);
        if (ReferenceEquals(route, DirectRoute.Delete)) return DeleteAsync(http);
        return PopEndpoint.HandleAsync(http, broker, http.RequestAborted);
    }

    private async Task PushAsync(HttpContext http)
    {
        var body = await _pushBody.BindAsync(http, http.RequestAborted);
        await _gate.CheckAsync(http, body);
        if (http.ResponseStarted()) return;
        await PushEndpoint.HandleAsync(http, broker, body);
    }

    private async Task DeleteAsync(HttpContext http)
    {
        var body = await _deleteBody.BindAsync(http, http.RequestAborted);
        await _gate.CheckAsync(http, body);
        if (http.ResponseStarted()) return;
        await DeleteEndpoint.HandleAsync(http, broker, body);
    }
}
