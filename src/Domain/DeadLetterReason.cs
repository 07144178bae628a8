namespace Spartan.Domain;

/// <summary>Why an exhausted message left its queue (SPEC §2.7).</summary>
public enum DeadLetterReason : byte
{
    /// <summary>Its last reservation ran out.</summary>
    Expired = 0,

    /// <summary>It was requeued with no tries left.</summary>
    Requeued = 1,

    /// <summary>It was pushed (or moved) with <c>max_tries = 0</c>.</summary>
    NoTries = 2,
}

/// <summary>Wire names of <see cref="DeadLetterReason"/> and the server's attribute names.</summary>
public static class DeadLetterAttributes
{
    /// <summary>Attribute prefix reserved for the server; clients cannot set such attributes.</summary>
    public const string ReservedPrefix = "spartan.";

    public const string From = "spartan.dead_lettered_from";
    public const string Reason = "spartan.dead_letter_reason";

    public static string WireName(this DeadLetterReason reason) => reason switch
    {
        DeadLetterReason.Expired => "expired",
        DeadLetterReason.Requeued => "requeued",
        _ => "no_tries",
    };

    /// <summary>The two attributes a dead-lettering adds, which leave again when the message is moved back; other
    /// server attributes (the SQS door's <c>spartan.sqs.*</c>) stay with the message.</summary>
    public static bool IsDeadLetterNote(string attributeName) => attributeName is From or Reason;

    public static bool IsReserved(string attributeName) =>
        attributeName.StartsWith(ReservedPrefix, StringComparison.Ordinal);
}
