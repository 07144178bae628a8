using System.Runtime.InteropServices;
using Spartan.Bench.Cli;
using Spartan.Bench.Commands;
using Spartan.Bench.Server;

namespace Spartan.Bench;

/// <summary>Load generator for the spartan binary: starts it per configuration on loopback, drives a bounded workload,
/// stops it. See bench/README.md.</summary>
internal static class Program
{
    private const string Usage = """
        Spartan bench — closed-loop load generator against the real spartan binary (loopback only).

          dotnet run -c Release --project bench/Spartan.Bench -- <command> [options]

        """;

    private static readonly string[] DurabilityValued = ["--seconds", "--clients", "--body-bytes", "--json"];
    private static readonly string[] WorkloadsValued = ["--messages", "--clients", "--modes", "--json"];
    private static readonly string[] WorkloadsFlags = ["--quick"];
    private static readonly string[] AbValued = ["--a", "--b", "--label-a", "--label-b", "--rounds", "--modes", "--messages", "--clients", "--json"];
    private static readonly string[] LongPollValued = ["--rounds", "--consumers", "--parked", "--json"];
    private static readonly string[] ReplicationValued = ["--messages", "--clients", "--modes", "--idle-samples", "--json"];
    private static readonly string[] ClientValued = ["--messages", "--producers", "--consumers", "--windows", "--modes", "--json"];
    private static readonly string[] FailoverValued = ["--rounds", "--writers", "--ttl", "--ack", "--json"];
    private static readonly string[] DeleteQueueValued = ["--messages", "--clients", "--rounds", "--modes", "--json"];
    private static readonly string[] SqsValued = ["--messages", "--clients", "--rounds", "--modes", "--json"];
    private static readonly string[] FloorValued = ["--spartan", "--floor", "--rounds", "--messages", "--clients", "--json"];
    private static readonly string Help = string.Join('\n',
        DurabilityCommand.Help, WorkloadsCommand.Help, AbCommand.Help, LongPollCommand.Help, ReplicationCommand.Help,
        DeleteQueueCommand.Help, ClientCommand.Help, SqsCommand.Help, FloorCommand.Help, FailoverCommand.Help);

    public static async Task<int> Main(string[] args)
    {
        if (args.Length == 0 || args[0] is "-h" or "--help" or "help")
        {
            Console.WriteLine(Usage + Help);
            return args.Length == 0 ? 2 : 0;
        }

        Options options;
        Func<Options, CancellationToken, Task<int>> run;
        TimeSpan limit;
        try
        {
            (options, run, limit) = args[0] switch
            {
                "durability" => Bind(args, DurabilityValued, [], DurabilityCommand.RunAsync, DurabilityCommand.HardLimit),
                "workloads" => Bind(args, WorkloadsValued, WorkloadsFlags, WorkloadsCommand.RunAsync, WorkloadsCommand.HardLimit),
                "ab" => Bind(args, AbValued, [], AbCommand.RunAsync, AbCommand.HardLimit),
                "longpoll" => Bind(args, LongPollValued, [], LongPollCommand.RunAsync, LongPollCommand.HardLimit),
                "replication" => Bind(args, ReplicationValued, [], ReplicationCommand.RunAsync, ReplicationCommand.HardLimit),
                "client" => Bind(args, ClientValued, [], ClientCommand.RunAsync, ClientCommand.HardLimit),
                "deletequeue" => Bind(args, DeleteQueueValued, [], DeleteQueueCommand.RunAsync, DeleteQueueCommand.HardLimit),
                "sqs" => Bind(args, SqsValued, [], SqsCommand.RunAsync, SqsCommand.HardLimit),
                "floor" => Bind(args, FloorValued, [], FloorCommand.RunAsync, FloorCommand.HardLimit),
                "failover" => Bind(args, FailoverValued, [], FailoverCommand.RunAsync, FailoverCommand.HardLimit),
                _ => throw new ArgumentException($"unknown command \"{args[0]}\""),
            };
        }
        catch (ArgumentException problem)
        {
            await Console.Error.WriteLineAsync($"bench: {problem.Message}\n\n{Usage}{Help}");
            return 2;
        }

        // Whatever happens, no server outlives the bench: on SIGINT/SIGTERM, on an exception, and at the hard limit.
        using var cancel = new CancellationTokenSource(limit);
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
        AppDomain.CurrentDomain.ProcessExit += (_, _) => ServerProcess.KillAll();
        using var watchdog = new Timer(_ =>
        {
            Console.Error.WriteLine($"bench: hard limit of {limit.TotalMinutes:0} min exceeded; killing the servers and exiting");
            ServerProcess.KillAll();
            Environment.Exit(3);
        }, null, limit + TimeSpan.FromSeconds(60), Timeout.InfiniteTimeSpan);

        try
        {
            return await run(options, cancel.Token);
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
            await Console.Error.WriteLineAsync($"bench: stopped (signal or hard limit of {limit.TotalMinutes:0} min)");
            return 3;
        }
        catch (Exception failure) when (failure is InvalidOperationException or IOException or HttpRequestException
                                            or Client.BenchHttpException or ArgumentException)
        {
            await Console.Error.WriteLineAsync($"bench: failed: {failure.Message}");
            return 1;
        }
        finally
        {
            ServerProcess.KillAll();
        }

        void OnSignal(PosixSignalContext context)
        {
            context.Cancel = true; // let the run unwind and stop its servers
            cancel.Cancel();
        }
    }

    private static (Options, Func<Options, CancellationToken, Task<int>>, TimeSpan) Bind(
        string[] args, string[] valued, string[] flags,
        Func<Options, CancellationToken, Task<int>> run, Func<Options, TimeSpan> limit)
    {
        var options = Options.Parse(args[1..], valued, flags);
        return (options, run, limit(options));
    }
}
