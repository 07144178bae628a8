using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Net;

namespace Spartan.Api.Hosting;

/// <summary>An <c>ADDR:PORT</c> to listen on, as <c>--host</c> takes it (SPEC §5); <c>localhost</c> means loopback.</summary>
public sealed record HostAddress(IPEndPoint EndPoint)
{
    public const string Default = "127.0.0.1:5680";

    public static bool TryParse(string text, [NotNullWhen(true)] out HostAddress? address)
    {
        address = null;
        const string localhost = "localhost:";
        if (text.StartsWith(localhost, StringComparison.OrdinalIgnoreCase))
        {
            if (!ushort.TryParse(text.AsSpan(localhost.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var port))
                return false;
            address = new HostAddress(new IPEndPoint(IPAddress.Loopback, port));
            return true;
        }

        // IPEndPoint.TryParse accepts a bare address with no port; the CLI contract needs both.
        if (!text.Contains(':', StringComparison.Ordinal) || text.EndsWith(']') ||
            !IPEndPoint.TryParse(text, out var endPoint))
            return false;
        address = new HostAddress(endPoint);
        return true;
    }

    public override string ToString() => EndPoint.ToString();
}
