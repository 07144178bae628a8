using FastEndpoints;
using Spartan.Api.Http;
using Spartan.Engine;

namespace Spartan.Api.Features.Push;

/// <summary><c>POST /{queue}</c>: push a message (SPEC §2.1).</summary>
public sealed class PushEndpoint(Broker broker) : Endpoint<PushBody, PushResponse>
{
    public override void Configure()
    {
        Post("/{queue}");
        Options(b => b.WithMetadata(WritesState.Instance, DirectRoute.Push));
        Summary(s =>
        {
            s.Summary = "Push a message";
            s.Description = "Only body is required. Defaults: offset 0, max_tries 1, timeout 30, no delay, priority 0, or the " +
                            "queue's [queue_settings]. Ranges: offset -86399..86399 s; max_tries, timeout, delay 0..4294967295; " +
                            "priority 0..255 (higher first); at most 16 attributes, none named spartan.*. A field sent as null " +
                            "counts as absent; an unknown field is 400. The body is read as JSON whatever the Content-Type.";
            s.ExampleRequest = Examples.PushRequest;
            s.Response(200, "The id the server gave the message", example: Examples.Pushed);
            s.QueueErrors(invalid: "missing body, wrong type, out of range, unknown field or malformed JSON",
                tooLarge: "the body plus attributes exceed body_size bytes, or the request is longer than 6 × body_size + 64 KiB bytes");
        });
    }

    public override Task HandleAsync(PushBody req, CancellationToken ct) => HandleAsync(HttpContext, broker, req);

    /// <summary>The push itself, once the body passed <see cref="BodyGate"/>; <see cref="DirectRoutes"/> runs it too.</summary>
    public static async Task HandleAsync(HttpContext http, Broker broker, PushBody req)
    {
        var id = await broker.PushAsync(http.QueueName(), req.ToRequest(Guid.NewGuid()));
        await Replies.OkAsync(http, new PushResponse(id), ApiJson.Web.PushResponse);
    }
}
