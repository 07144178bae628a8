using Spartan.Domain;

namespace Spartan.Storage;

public sealed partial class Broker
{
    public bool HasQueue(string name) => _state.Contains(name);

    public Task<Guid> PushAsync(string queue, PushRequest request) => Submit(new PushCommand(queue, request));

    public Task<MessageDecision> PopAsync(string queue) =>
        Submit(new PopCommand(queue, new Receipt(Guid.NewGuid())));

    public Task<MessageDecision> DeleteAsync(string queue, Guid id, Receipt? receipt) =>
        Submit(new DeleteCommand(queue, id, receipt));

    public Task<Outcome> RequeueAsync(string queue, Guid id, Receipt? receipt) =>
        Submit(new RequeueCommand(queue, id, receipt));

    public Task<MessageDecision> TouchAsync(string queue, Guid id, Receipt? receipt, uint? timeout) =>
        Submit(new TouchCommand(queue, id, receipt, timeout));

    public Task<bool> ClearAsync(string queue) => Submit(new ClearCommand(queue));

    public Task<MessageDecision> PeekAsync(string queue) => Submit(new PeekCommand(queue));

    public Task<MessageDecision> GetAsync(string queue, Guid id) => Submit(new GetCommand(queue, id));

    public Task<QueueCounts> CountAsync(string queue) => Submit(new CountCommand(queue));

    /// <summary>Ends reservations that ran out in every queue; returns how many events that took.</summary>
    public Task<int> TickAsync() => Submit(new MaintenanceCommand(collectGarbage: false));

    /// <summary>Runs one GC cycle (SPEC §2.6); returns how many events it took.</summary>
    public Task<int> CollectGarbageAsync() => Submit(new MaintenanceCommand(collectGarbage: true));
}
