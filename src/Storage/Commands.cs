using NodaTime;
using Spartan.Domain;
using Spartan.Domain.Events;

namespace Spartan.Storage;

internal sealed class PushCommand(string queue, PushRequest request) : Command<Guid>
{
    protected override Guid Decide(QueueSet state, Instant now, List<QueueEvent> events) =>
        state.Push(queue, request, now, events);
}

internal sealed class PopCommand(string queue, Receipt receipt) : Command<MessageDecision>
{
    protected override MessageDecision Decide(QueueSet state, Instant now, List<QueueEvent> events) =>
        state.Pop(queue, receipt, now, events);
}

internal sealed class DeleteCommand(string queue, Guid id, Receipt? receipt) : Command<MessageDecision>
{
    protected override MessageDecision Decide(QueueSet state, Instant now, List<QueueEvent> events) =>
        state.Delete(queue, id, receipt, now, events);
}

internal sealed class RequeueCommand(string queue, Guid id, Receipt? receipt) : Command<Outcome>
{
    protected override Outcome Decide(QueueSet state, Instant now, List<QueueEvent> events) =>
        state.Requeue(queue, id, receipt, now, events);
}

internal sealed class TouchCommand(string queue, Guid id, Receipt? receipt, uint? timeout) : Command<MessageDecision>
{
    protected override MessageDecision Decide(QueueSet state, Instant now, List<QueueEvent> events) =>
        state.Touch(queue, id, receipt, timeout, now, events);
}

internal sealed class ClearCommand(string queue) : Command<bool>
{
    protected override bool Decide(QueueSet state, Instant now, List<QueueEvent> events)
    {
        state.Clear(queue, now, events);
        return true;
    }
}

internal sealed class PeekCommand(string queue) : Command<MessageDecision>
{
    protected override MessageDecision Decide(QueueSet state, Instant now, List<QueueEvent> events) =>
        state.Peek(queue, now, events);
}

internal sealed class GetCommand(string queue, Guid id) : Command<MessageDecision>
{
    protected override MessageDecision Decide(QueueSet state, Instant now, List<QueueEvent> events) =>
        state.Get(queue, id, now, events);
}

internal sealed class CountCommand(string queue) : Command<QueueCounts>
{
    protected override QueueCounts Decide(QueueSet state, Instant now, List<QueueEvent> events) =>
        state.Count(queue, now, events);
}

/// <summary>Brings every queue up to the clock (ends expired reservations), or runs a GC cycle.</summary>
internal sealed class MaintenanceCommand(bool collectGarbage) : Command<int>
{
    protected override int Decide(QueueSet state, Instant now, List<QueueEvent> events)
    {
        var before = events.Count;
        if (collectGarbage) state.CollectGarbage(now, events);
        else state.Tick(now, events);
        return events.Count - before;
    }
}
