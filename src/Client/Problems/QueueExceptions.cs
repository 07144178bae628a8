using System.Net;

namespace Spartan.Client;

/// <summary><c>404 Queue not found</c>: the node has no queue of that name.</summary>
public sealed class QueueNotFoundException(HttpStatusCode status, string title, string? detail)
    : SpartanException(status, title, detail);

/// <summary>A 409 about a queue itself: <c>Queue exists</c> (other settings), <c>Declared queue</c> (changed in the
/// configuration file only), <c>Queue in use</c> (another queue's dead-letter queue) or <c>Too many queues</c>.</summary>
public sealed class QueueConflictException(HttpStatusCode status, string title, string? detail)
    : SpartanException(status, title, detail);

/// <summary><c>403 Runtime queues disabled</c>: the node only serves the queues its configuration declares.</summary>
public sealed class RuntimeQueuesDisabledException(HttpStatusCode status, string title, string? detail)
    : SpartanException(status, title, detail);

/// <summary>The key was refused: <c>Authorization header not found</c>, <c>Incorrect key header</c> (400) or
/// <c>Access denied</c> (401).</summary>
public sealed class AccessDeniedException(HttpStatusCode status, string title, string? detail)
    : SpartanException(status, title, detail);

/// <summary>A 503: <c>Read-only replica</c>, <c>Storage unavailable</c>, <c>Not primary</c> and the like; nothing was
/// acknowledged, and the same call may succeed later or on another node.</summary>
public sealed class ServiceUnavailableException(HttpStatusCode status, string title, string? detail)
    : SpartanException(status, title, detail);
