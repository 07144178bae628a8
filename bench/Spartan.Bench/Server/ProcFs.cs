using System.Globalization;

namespace Spartan.Bench.Server;

/// <summary>CPU time and resident memory of a process, read from /proc (Linux only).</summary>
internal static class ProcFs
{
    /// <summary>User + system CPU seconds the process has used so far, all threads; null once it is gone.</summary>
    public static double? CpuSeconds(int pid)
    {
        string stat;
        try { stat = File.ReadAllText($"/proc/{pid}/stat"); }
        catch (IOException) { return null; }
        catch (UnauthorizedAccessException) { return null; }

        // Fields after the command name (which may hold spaces) start at field 3 (state); utime is 14, stime 15.
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        return (double)ticks / Native.ClockTicksPerSecond;
    }

    /// <summary>VmRSS in bytes; null once the process is gone.</summary>
    public static long? RssBytes(int pid) => StatusField(pid, "VmRSS:") is { } kb ? kb * 1024 : null;

    /// <summary>Voluntary and involuntary context switches of every thread the process has now (threads that already
    /// exited are not counted, so compare phases of a server whose threads live on); null once it is gone.</summary>
    public static (long Voluntary, long Involuntary)? ContextSwitches(int pid)
    {
        long voluntary = 0, involuntary = 0;
        try
        {
            foreach (var task in Directory.EnumerateDirectories($"/proc/{pid}/task"))
            {
                var tid = int.Parse(Path.GetFileName(task), CultureInfo.InvariantCulture);
                voluntary += StatusField(pid, "voluntary_ctxt_switches:", tid) ?? 0;
                involuntary += StatusField(pid, "nonvoluntary_ctxt_switches:", tid) ?? 0;
            }
        }
        catch (IOException) { return null; }
        catch (UnauthorizedAccessException) { return null; }

        return (voluntary, involuntary);
    }

    /// <summary>How many threads the process has now (<c>Threads:</c>); null once it is gone.</summary>
    public static long? Threads(int pid) => StatusField(pid, "Threads:");

    /// <summary>The first number of a <c>/proc/PID/status</c> line.</summary>
    private static long? StatusField(int pid, string field, int? thread = null)
    {
        string[] lines;
        try { lines = File.ReadAllLines(thread is { } tid ? $"/proc/{pid}/task/{tid}/status" : $"/proc/{pid}/status"); }
        catch (IOException) { return null; }
        catch (UnauthorizedAccessException) { return null; }

        foreach (var line in lines)
        {
            if (!line.StartsWith(field, StringComparison.Ordinal)) continue;
            return long.Parse(line[field.Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
        }

        return null;
    }
}
