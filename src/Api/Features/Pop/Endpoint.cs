using FastEndpoints;
using Spartan.Api.Http;
using Spartan.Storage;

namespace Spartan.Api.Features.Pop;

/// <summary><c>GET /{queue}[?wait=S]</c>: reserve the next visible message (SPEC §2.2), waiting up to S seconds
/// for one to become visible (long polling, SPEC §3.2).</summary>
public sealed class PopEndpoint(Broker broker) : EndpointWithoutRequest<MessageJson>
{
    public override void Configure()
    {
        Get("/{queue}");
        Summary(s =>
        {
            s.Summary = "Reserve the next visible message";
            s.Description = "Pops the first visible message (priority, then visibility instant, then push order) and " +
                            "reserves it for its timeout. With ?wait=S (0-20) waits up to S seconds for one.";
            s.Params["wait"] = "Seconds to wait for a visible message (0-20, default 0)";
        });
    }

    public override async Task HandleAsync(CancellationToken ct)
    {
        if (QueryArgs.Read(HttpContext, "wait", 0, QueryArgs.MaxWaitSeconds, 0, out var problem) is not { } wait)
        {
            await Problems.WriteAsync(HttpContext, StatusCodes.Status400BadRequest, Problems.InvalidRequest, problem);
            return;
        }

        var messages = await broker.PopWaitAsync(HttpContext.QueueName(), 1, TimeSpan.FromSeconds(wait), ct);
        if (messages.Count == 0)
            await Problems.WriteAsync(HttpContext, StatusCodes.Status404NotFound, Problems.NoMessageAvailable);
        else
            await Replies.OkAsync(HttpContext, MessageJson.From(messages[0]), ApiJson.Web.MessageJson);
    }
}
