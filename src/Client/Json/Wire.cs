namespace Spartan.Client.Json;

// The API's JSON shapes (SPEC §3), as the client writes and reads them. Absent numbers are left out of requests (the
// server refuses unknown fields but reads null as absent; leaving them out keeps requests short).

internal sealed record PushWire(string Body, int? Offset, uint? MaxTries, uint? Timeout, uint? Delay, int? Priority,
    IReadOnlyDictionary<string, string>? Attributes);

internal sealed record BatchPushWire(IReadOnlyList<PushWire> Messages);

internal sealed record IdWire(Guid Id);

internal sealed record IdsWire(IReadOnlyList<Guid> Ids);

internal sealed record MessageIdWire(Guid Id, string? Receipt);

internal sealed record TouchWire(Guid Id, string? Receipt, uint? Timeout);

internal sealed record BatchDeleteWire(IReadOnlyList<Guid> Ids, IReadOnlyList<string?>? Receipts);

internal sealed record BatchDeleteAnswerWire(IReadOnlyList<Guid>? Deleted, IReadOnlyList<Guid>? NotFound, IReadOnlyList<Guid>? Stale);

internal sealed record MessageWire(Guid Id, string Body, int Priority, Dictionary<string, string>? Attributes, string? Receipt,
    MessageStateWire State, MessageTimeWire Time);

internal sealed record MessageStateWire(string Status, uint Tries, uint MaxTries);

internal sealed record MessageTimeWire(int Offset, string DispatchedAt, string? Delay, MessageTimeoutWire Timeout);

internal sealed record MessageTimeoutWire(uint Max, string? ObtainedAt);

internal sealed record MessagesWire(IReadOnlyList<MessageWire> Messages);

internal sealed record DeletedMessageWire(MessageWire Message);

internal sealed record SizeWire(int Size);

internal sealed record StatsWire(int Size, int Available, int Delayed, int InFlight, int Exhausted, string? DeadLetter,
    double? OldestVisibleAgeS);

internal sealed record QueueWire(string Name, bool Declared, int Size, int Available, int Delayed, int InFlight, int Exhausted,
    string? DeadLetter, double? OldestVisibleAgeS);

internal sealed record QueuesWire(IReadOnlyList<QueueWire> Queues);

internal sealed record QueueSettingsWire(string? DeadLetter, uint? MaxTries, uint? Timeout, uint? Delay);

internal sealed record QueueAnswerWire(string Name, bool Declared, QueueSettingsWire Settings);

internal sealed record QueueDetailWire(string Name, bool Declared, QueueSettingsWire Settings, string? CreatedAt, int Size,
    int Available, int Delayed, int InFlight, int Exhausted, string? DeadLetter, double? OldestVisibleAgeS);

internal sealed record QueueDeletedWire(int Deleted);

internal sealed record RedriveWire(int Moved);

internal sealed record HealthWire(string Status, string Role, string Version, PrimaryLinkWire? Primary);

internal sealed record PrimaryLinkWire(bool Connected, long Applied, double LagSeconds, string? LastContact);

internal sealed record ProblemWire(string? Type, string? Title, int? Status, string? Detail);
