namespace Spartan.Client;

/// <summary>Which node a client talks to now: its one base address, or, in a cluster, the primary as the nodes name it
/// (<c>Spartan-Leader</c>) or the next of the configured nodes when one cannot be reached.</summary>
internal sealed class NodeRoute
{
    private readonly Uri[] _nodes;
    private Uri? _current;
    private int _next;

    public NodeRoute(Uri? baseAddress, IEnumerable<Uri> nodes)
    {
        _nodes = [.. nodes.Select(WithSlash)];
        _current = baseAddress is { } b ? WithSlash(b) : _nodes.FirstOrDefault();
    }

    /// <summary>The address calls go to now; null to use the given HttpClient's own base address.</summary>
    public Uri? Current => Volatile.Read(ref _current);

    /// <summary>Whether there is another node to move to.</summary>
    public bool HasAlternatives => _nodes.Length > 1 || (_nodes.Length == 1 && Current != _nodes[0]);

    /// <summary>Goes to the node a <c>Spartan-Leader</c> header named, unless a concurrent call moved already.</summary>
    public void Follow(Uri from, Uri leader)
    {
        Interlocked.CompareExchange(ref _current, WithSlash(leader), from);
    }

    /// <summary>Moves from <paramref name="from"/> to the next configured node (round robin).</summary>
    public void Skip(Uri? from)
    {
        if (_nodes.Length == 0) return;
        var next = _nodes[(int)((uint)Interlocked.Increment(ref _next) % (uint)_nodes.Length)];
        if (next == from && _nodes.Length > 1) next = _nodes[(int)((uint)Interlocked.Increment(ref _next) % (uint)_nodes.Length)];
        Interlocked.CompareExchange(ref _current, next, from);
    }

    public static Uri WithSlash(Uri uri) =>
        uri.AbsoluteUri.EndsWith('/') ? uri : new Uri(uri.AbsoluteUri + "/");
}
