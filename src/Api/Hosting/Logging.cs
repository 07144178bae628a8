namespace Spartan.Api.Hosting;

/// <summary>Logging of SPEC §8: one line per event of interest, on standard error (so <c>dump --json</c> keeps
/// standard output clean), level from <c>LOG_LEVEL</c>. Framework chatter (a line per request) stays below the
/// chosen level unless debug or trace is asked for.</summary>
public static class Logging
{
    public const string Variable = "LOG_LEVEL";

    /// <summary>Reads <c>LOG_LEVEL</c> (<c>error</c>, <c>warn</c>, <c>info</c>, <c>debug</c>, <c>trace</c>); null when unknown.</summary>
    public static LogLevel? FromEnvironment(string? value) => value?.Trim().ToLowerInvariant() switch
    {
        null or "" => LogLevel.Information,
        "error" => LogLevel.Error,
        "warn" or "warning" => LogLevel.Warning,
        "info" or "information" => LogLevel.Information,
        "debug" => LogLevel.Debug,
        "trace" => LogLevel.Trace,
        _ => null,
    };

    public static void Configure(ILoggingBuilder logging, LogLevel level)
    {
        logging.ClearProviders();
        logging.SetMinimumLevel(level);
        logging.AddFilter("Microsoft", level <= LogLevel.Debug ? level : LogLevel.Warning);
        logging.AddFilter("FastEndpoints", level <= LogLevel.Debug ? level : LogLevel.Warning);
        // The host logs a failed start with its whole stack trace; the CLI says it in one line instead (SPEC §5).
        logging.AddFilter("Microsoft.Extensions.Hosting.Internal.Host", level <= LogLevel.Debug ? level : LogLevel.Critical);
        // ASP.NET Core starts an Activity and a log scope for every request while this category is enabled at any level
        // (HostingApplicationDiagnostics checks Critical), which costs each request allocations and an async-local
        // context to carry through every await. Its own lines are each request's start and end (Information) and start-up
        // failures, which the CLI reports itself; so it is off unless debug or trace is asked for (issue 15).
        logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", level <= LogLevel.Debug ? level : LogLevel.None);
        logging.AddSimpleConsole(console =>
        {
            console.SingleLine = true;
            console.UseUtcTimestamp = true;
            console.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ ";
        });
        logging.Services.Configure<Microsoft.Extensions.Logging.Console.ConsoleLoggerOptions>(
            console => console.LogToStandardErrorThreshold = LogLevel.Trace);
    }
}
