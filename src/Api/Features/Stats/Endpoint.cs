using FastEndpoints;
using Spartan.Api.Http;
using Spartan.Domain;
using Spartan.Engine;

namespace Spartan.Api.Features.Stats;

/// <summary><c>GET /{queue}/stats</c>: counts by state (they partition size), dead-letter queue, oldest visible age.</summary>
public sealed class StatsEndpoint(Broker broker) : EndpointWithoutRequest<StatsJson>
{
    public override void Configure()
    {
        Get("/{queue}/stats");
        Summary(s =>
        {
            s.Summary = "Counts by state, dead-letter queue and the age of the oldest visible message";
            s.Description = "available (visible), delayed, in_flight (reserved) and exhausted add up to size. dead_letter " +
                            "and oldest_visible_age_s (seconds) are null when there is none.";
            s.Response(200, "The queue's stats", example: Examples.Stats);
            s.QueueErrors();
        });
    }

    public override async Task HandleAsync(CancellationToken ct)
    {
        var stats = await broker.StatsAsync([HttpContext.QueueName()]);
        if (stats.Length == 0) // deleted since the gate let the request through
        {
            await Problems.WriteAsync(HttpContext, StatusCodes.Status404NotFound, Problems.QueueNotFound);
            return;
        }

        await Replies.OkAsync(HttpContext, StatsJson.From(stats[0]), ApiJson.Web.StatsJson);
    }
}

/// <summary>The stats object of SPEC §3.2.</summary>
public sealed record StatsJson(int Size, int Available, int Delayed, int InFlight, int Exhausted, string? DeadLetter,
    double? OldestVisibleAgeS)
{
    public static StatsJson From(QueueStats s) => new(s.Counts.Size, s.Counts.Available, s.Counts.Delayed,
        s.Counts.InFlight, s.Counts.Exhausted, s.DeadLetter, s.OldestVisibleAgeSeconds is { } age ? Math.Round(age, 3) : null);
}
