using System.Net;

namespace Spartan.Bench.Client;

/// <summary>The server answered a status the workload did not expect.</summary>
internal sealed class BenchHttpException(string request, HttpStatusCode status, string body)
    : Exception($"{request} -> {(int)status}: {(body.Length > 200 ? body[..200] : body)}")
{
    public HttpStatusCode Status { get; } = status;
}
