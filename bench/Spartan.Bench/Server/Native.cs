using System.Runtime.InteropServices;

namespace Spartan.Bench.Server;

/// <summary>The two libc calls .NET does not expose: sending a signal, and the clock-tick rate of /proc times.</summary>
internal static partial class Native
{
    public const int SigKill = 9;
    public const int SigTerm = 15;
    private const int ScClkTck = 2; // _SC_CLK_TCK on Linux

    public static bool Signal(int pid, int signal) => Kill(pid, signal) == 0;

    /// <summary>USER_HZ: the unit of utime/stime in /proc/PID/stat (100 on practically every Linux).</summary>
    public static long ClockTicksPerSecond { get; } = Math.Max(1, SysConf(ScClkTck));

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);

    [LibraryImport("libc", EntryPoint = "sysconf")]
    private static partial long SysConf(int name);
}
