using FastEndpoints;
using Spartan.Api.Features.Stats;
using Spartan.Api.Http;
using Spartan.Engine;

namespace Spartan.Api.Features.Queues;

/// <summary><c>GET /_/queues</c>: the queues, declared and runtime, the caller's key covers (any valid key; all without keys), with stats.</summary>
public sealed class QueuesEndpoint(Broker broker, AccessKeys keys, DeclaredQueues declared) : EndpointWithoutRequest<QueuesResponse>
{
    public override void Configure()
    {
        Get("/_/queues");
        Options(b => b.WithMetadata(RouteAccess.AnyKey));
        Summary(s =>
        {
            s.Summary = "List the queues your key covers, with their stats";
            s.Description = "Any valid key may call it and sees only its queues; without access keys configured, every queue.";
            s.Response(200, "The declared queues in declaration order, then the runtime queues by name, each with whether " +
                            "the configuration declares it and the fields of GET /{queue}/stats", example: Examples.Queues);
            s.KeyErrors("unknown key");
        });
    }

    public override async Task HandleAsync(CancellationToken ct)
    {
        var covers = keys.Coverage(HttpContext.Request.Headers.Authorization);
        var names = new List<string>(declared.InOrder.Count);
        foreach (var name in declared.InOrder)
            if (covers(name)) names.Add(name);
        foreach (var name in broker.QueueNamesNow())
            if (!declared.Names.Contains(name) && covers(name)) names.Add(name);
        var stats = await broker.StatsAsync(names);
        var queues = new QueueJson[stats.Length];
        for (var i = 0; i < queues.Length; i++)
        {
            var s = StatsJson.From(stats[i]);
            queues[i] = new QueueJson(stats[i].Name, declared.Names.Contains(stats[i].Name), s.Size, s.Available, s.Delayed, s.InFlight, s.Exhausted, s.DeadLetter, s.OldestVisibleAgeS);
        }

        await Replies.OkAsync(HttpContext, new QueuesResponse(queues), ApiJson.Web.QueuesResponse);
    }
}

/// <summary>One queue with its stats.</summary>
public sealed record QueueJson(string Name, bool Declared, int Size, int Available, int Delayed, int InFlight, int Exhausted,
    string? DeadLetter, double? OldestVisibleAgeS);

/// <summary>Answer of <c>/_/queues</c>.</summary>
public sealed record QueuesResponse(IReadOnlyList<QueueJson> Queues);
