using FastEndpoints;
using Spartan.Api.Http;
using Spartan.Engine;

namespace Spartan.Api.Features.Size;

/// <summary><c>GET /{queue}/size</c>: every message held, in any state (SPEC §2.9).</summary>
public sealed class SizeEndpoint(Broker broker) : EndpointWithoutRequest<SizeResponse>
{
    public override void Configure()
    {
        Get("/{queue}/size");
        Summary(s =>
        {
            s.Summary = "Count the messages of the queue";
            s.Description = "Every message the queue holds, in any state (visible, delayed, reserved, exhausted).";
            s.Response(200, "The number of messages held", example: Examples.Size);
            s.QueueErrors();
        });
    }

    public override async Task HandleAsync(CancellationToken ct)
    {
        var counts = await broker.CountAsync(HttpContext.QueueName());
        await Replies.OkAsync(HttpContext, new SizeResponse(counts.Size), ApiJson.Web.SizeResponse);
    }
}

/// <summary>Answer of size.</summary>
public sealed record SizeResponse(int Size);
