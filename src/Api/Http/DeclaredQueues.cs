using System.Collections.Frozen;

namespace Spartan.Api.Http;

/// <summary>The queue names declared in the configuration; runtime queues (SPEC §10) exist besides them.</summary>
public sealed class DeclaredQueues(IReadOnlyList<string> names)
{
    public FrozenSet<string> Names { get; } = names.ToFrozenSet(StringComparer.Ordinal);

    /// <summary>The names in declaration order.</summary>
    public IReadOnlyList<string> InOrder { get; } = names;
}
