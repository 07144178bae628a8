using FastEndpoints;
using Spartan.Api.Http;
using Spartan.Storage;

namespace Spartan.Api.Features.Push;

/// <summary><c>POST /{queue}</c>: push a message (SPEC §2.1).</summary>
public sealed class PushEndpoint(Broker broker) : Endpoint<PushBody, PushResponse>
{
    public override void Configure() => Post("/{queue}");

    public override async Task HandleAsync(PushBody req, CancellationToken ct)
    {
        var id = await broker.PushAsync(HttpContext.QueueName(), req.ToRequest(Guid.NewGuid()));
        await Replies.OkAsync(HttpContext, new PushResponse(id), ApiJson.Web.PushResponse);
    }
}
