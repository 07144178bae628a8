using System.Net;

namespace Spartan.Client;

/// <summary>An error answered by a Spartan node (an <c>application/problem+json</c> body), or an answer that is not
/// Spartan's; subclasses name the titles a caller may want to handle.</summary>
public class SpartanException : Exception
{
    /// <summary>Creates the exception for an answer with this status, problem title and detail.</summary>
    public SpartanException(HttpStatusCode status, string title, string? detail)
        : base(detail is null ? title : $"{title}: {detail}")
    {
        StatusCode = status;
        Title = title;
        Detail = detail;
    }

    /// <summary>The HTTP status of the answer.</summary>
    public HttpStatusCode StatusCode { get; }

    /// <summary>The problem's title, one of the fixed texts of the API (for instance <c>Queue not found</c>).</summary>
    public string Title { get; }

    /// <summary>The problem's detail, when the server gave one.</summary>
    public string? Detail { get; }
}
