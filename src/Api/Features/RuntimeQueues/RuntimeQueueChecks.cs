using Spartan.Api.Configuration;
using Spartan.Api.Http;

namespace Spartan.Api.Features.RuntimeQueues;

/// <summary>What every route that changes a queue checks before it asks the commit loop (SPEC §10): that runtime queues are
/// allowed (403), that the name is a queue name (400), and, for a change or a delete, that the queue is not one the
/// configuration declares (409 <c>Declared queue</c>).</summary>
internal static class RuntimeQueueChecks
{
    public static async Task<bool> AllowedAsync(HttpContext http, SpartanConfig config, string name)
    {
        if (!config.AllowRuntimeQueues)
        {
            await Problems.WriteAsync(http, StatusCodes.Status403Forbidden, Problems.RuntimeQueuesDisabled,
                "allow_runtime_queues is false on this node: queues are declared in its configuration only.");
            return false;
        }

        if (!QueueNames.IsValid(name))
        {
            await Problems.WriteAsync(http, StatusCodes.Status400BadRequest, Problems.InvalidRequest, $"Queue name: {QueueNames.Rule}");
            return false;
        }

        return true;
    }

    public static async Task<bool> NotDeclaredAsync(HttpContext http, DeclaredQueues declared, string name)
    {
        if (!declared.Names.Contains(name)) return true;
        await Problems.WriteAsync(http, StatusCodes.Status409Conflict, Problems.DeclaredQueue,
            $"Queue {name} is declared in the configuration file; change it there.");
        return false;
    }
}
