using System.CommandLine;
using NodaTime;
using Spartan.Api.Configuration;
using Spartan.Api.Hosting;
using Spartan.Api.Http;
using Spartan.Domain;
using Spartan.Domain.Events;
using Spartan.Engine;
using Spartan.Storage;
using Spartan.Storage.Rocks;

namespace Spartan.Api.Cli;

/// <summary>What <c>spartan dump</c> was asked to show.</summary>
/// <param name="ConfigPath"><c>--config</c>: the configuration naming the data folder.</param>
/// <param name="Queue"><c>--queue</c>: list this queue's messages instead of the counts.</param>
/// <param name="Events"><c>--events</c>: list the event log instead of the counts.</param>
/// <param name="From"><c>--from</c>: first event sequence (inclusive); null for the first stored.</param>
/// <param name="Limit"><c>--limit</c>: keep at most this many events; null for all.</param>
/// <param name="Json"><c>--json</c>: one JSON object a line instead of a table.</param>
internal sealed record DumpRequest(string ConfigPath, string? Queue, bool Events, long? From, int? Limit, bool Json);

/// <summary><c>spartan dump</c> (SPEC §5): shows the state of a data folder (counts by state, the messages of one
/// queue, or the event log) without changing it, also while a server runs on it.</summary>
/// <remarks>The folder is opened as a RocksDB secondary instance, the state rebuilt by <see cref="Recovery"/> and
/// brought to now with a throwaway event list, so nothing is ever written. Standard output carries only the dump
/// (tables for people, JSON lines with <c>--json</c>); problems go to standard error.</remarks>
internal static partial class DumpCommand
{
    /// <summary>Spaces between two table columns.</summary>
    public const int Gap = 2;

    private const int Page = 4096;
    private const int IdWidth = 36;
    private const string Available = "Available";
    private const string Transit = "Transit";

    /// <summary>The <c>dump</c> command, bound to the root's <c>--config</c> option.</summary>
    public static Command Build(Option<string> config, TextWriter output, TextWriter error)
    {
        var queue = new Option<string?>("--queue") { Description = "Show the messages of this queue", HelpName = "Q" };
        var events = new Option<bool>("--events") { Description = "Show the event log" };
        var from = new Option<long?>("--from")
        {
            Description = "With --events: the first sequence to show, inclusive (default: the first stored)",
            HelpName = "SEQ",
        };
        var limit = new Option<int?>("--limit") { Description = "With --events: show the first N events only", HelpName = "N" };
        var json = new Option<bool>("--json") { Description = "Print one JSON object a line, for scripts" };
        var command = new Command("dump", "Show the data folder (counts, messages or events) without changing it")
        {
            queue, events, from, limit, json,
        };
        command.SetAction(parsed => Run(
            new DumpRequest(parsed.GetValue(config)!, parsed.GetValue(queue), parsed.GetValue(events),
                parsed.GetValue(from), parsed.GetValue(limit), parsed.GetValue(json)),
            output, error, TimeProvider.System));
        return command;
    }

    public static int Run(DumpRequest request, TextWriter output, TextWriter error, TimeProvider time)
    {
        if (Misuse(request) is { } misuse)
        {
            error.WriteLine(misuse);
            return SpartanCli.Usage;
        }

        if (SpartanCli.LoadConfig(request.ConfigPath, error) is not { } config) return SpartanCli.Usage;

        if (config.Persistence is not { } persistence)
        {
            error.WriteLine($"{config.SourcePath}: there is no [persistence] section: this configuration keeps " +
                            "messages in memory only, so there is nothing to dump.");
            return SpartanCli.Usage;
        }

        if (!Directory.Exists(persistence.Path))
        {
            error.WriteLine($"The data folder {persistence.Path} (persistence.path in {config.SourcePath}) does not exist.");
            return SpartanCli.Failure;
        }

        using var sink = new DumpOutput(output);
        try
        {
            using var store = RocksStore.OpenForInspection(persistence.Path);
            int code;
            if (request.Events) code = Events(store, config, request, sink);
            else code = State(store, config, request, sink, error, time);
            sink.Flush();
            return code;
        }
        catch (StoreException problem)
        {
            error.WriteLine(problem.Message);
            return SpartanCli.Failure;
        }
        catch (IOException problem)
        {
            // Standard output closed early (e.g. piped into `head`): nothing more can be shown.
            error.WriteLine($"The dump could not be written: {problem.Message}");
            return SpartanCli.Failure;
        }
    }

    private static string? Misuse(DumpRequest request)
    {
        if (request.Queue is not null && request.Events)
            return "--queue and --events cannot be combined: dump either one queue's messages or the event log.";
        if (!request.Events && (request.From is not null || request.Limit is not null))
            return "--from and --limit apply to the event log only; add --events.";
        if (request.From is < 0) return $"--from: expected a sequence number of 0 or more, got {request.From}.";
        if (request.Limit is < 1) return $"--limit: expected a positive number of events, got {request.Limit}.";
        return null;
    }

    /// <summary>Counts by state, or the messages of one queue, as the recovered state stands now.</summary>
    private static int State(RocksStore store, SpartanConfig config, DumpRequest request, DumpOutput sink,
        TextWriter error, TimeProvider time)
    {
        var recovered = Recovery.Run(store, [.. QueueDefinitions.From(config)], time);
        if (config.Persistence?.Mode == PersistenceMode.Snapshot) error.WriteLine(SnapshotNotice(store.Path, recovered));
        var state = recovered.State;
        var scratch = new List<QueueEvent>();
        var now = Instant.FromDateTimeOffset(time.GetUtcNow());
        state.Tick(now, scratch);
        if (recovered.UndeclaredQueues.Count > 0)
            error.WriteLine($"Runtime queues (kept in the data, not declared in {config.SourcePath}): " +
                            string.Join(", ", recovered.UndeclaredQueues));

        if (request.Queue is not { } name) return Counts(state, now, scratch, request.Json, sink);
        if (!state.Contains(name))
        {
            error.WriteLine($"--queue: there is no queue \"{name}\" in the configuration or in the data folder.");
            return SpartanCli.Usage;
        }

        Messages(state, name, recovered.LastSequence, request.Json, sink);
        return SpartanCli.Ok;
    }

    /// <summary>SPEC §5: on a snapshot-mode folder the dump is the last snapshot, not what a running server holds now.</summary>
    private static string SnapshotNotice(string path, RecoveryResult recovered) => recovered.SnapshotSequence == 0
        ? $"{path} is a snapshot-mode folder with no snapshot yet: nothing is stored until the server takes one " +
          "(every persistence.timer seconds and when it stops)."
        : $"{path} is a snapshot-mode folder: this shows the snapshot taken at " +
          $"{(recovered.SnapshotTakenAt is { } at ? Rfc3339.Format(at, 0) : "an unknown time")} (sequence {recovered.SnapshotSequence}); " +
          "a running server holds what changed since in memory until its next snapshot.";

    private static int Counts(QueueSet state, Instant now, List<QueueEvent> scratch, bool json, DumpOutput sink)
    {
        var rows = new List<DumpQueueLine>();
        foreach (var queue in state.Queues)
        {
            var c = state.Count(queue.Name, now, scratch);
            rows.Add(new DumpQueueLine(queue.Name, c.Size, c.Available, c.Delayed, c.InFlight, c.Exhausted));
        }

        if (json)
        {
            foreach (var row in rows) sink.JsonLine(row, DumpJson.Default.DumpQueueLine);
            return SpartanCli.Ok;
        }

        ReadOnlySpan<string> headers = ["QUEUE", "SIZE", "AVAILABLE", "DELAYED", "IN_FLIGHT", "EXHAUSTED"];
        Span<int> widths = stackalloc int[headers.Length];
        for (var i = 0; i < headers.Length; i++) widths[i] = headers[i].Length;
        foreach (var row in rows)
        {
            widths[0] = Math.Max(widths[0], row.Queue.Length);
            widths[1] = Math.Max(widths[1], Digits(row.Size));
            widths[2] = Math.Max(widths[2], Digits(row.Available));
            widths[3] = Math.Max(widths[3], Digits(row.Delayed));
            widths[4] = Math.Max(widths[4], Digits(row.InFlight));
            widths[5] = Math.Max(widths[5], Digits(row.Exhausted));
        }

        sink.Left(headers[0], widths[0]);
        for (var i = 1; i < headers.Length; i++)
        {
            sink.Spaces(widths[i] - headers[i].Length);
            sink.Text(headers[i]);
            if (i < headers.Length - 1) sink.Spaces(Gap);
        }

        sink.Line();
        foreach (var row in rows)
        {
            sink.Left(row.Queue, widths[0]);
            sink.Right(row.Size, widths[1]);
            sink.Right(row.Available, widths[2]);
            sink.Right(row.Delayed, widths[3]);
            sink.Right(row.InFlight, widths[4]);
            sink.Right(row.Exhausted, widths[5], last: true);
            sink.Line();
        }

        return SpartanCli.Ok;
    }

    private static void Messages(QueueSet state, string name, long sequence, bool json, DumpOutput sink)
    {
        var messages = Find(state.Capture(sequence), name);
        Array.Sort(messages, ArrivalOrder);
        if (json)
        {
            foreach (var m in messages)
            {
                sink.JsonLine(new DumpMessageLine(name, m.Id, Status(m.Status), m.Tries, m.MaxTries, m.Priority,
                    m.DispatchedAt, FirstVisible(m), m.ObtainedAt, m.Body.ToString(), m.Attributes), DumpJson.Default.DumpMessageLine);
            }

            return;
        }

        var triesWidth = "TRIES".Length;
        foreach (var m in messages) triesWidth = Math.Max(triesWidth, Digits(m.Tries) + 1 + Digits(m.MaxTries));
        sink.Left("ID", IdWidth);
        sink.Left("STATUS", Available.Length);
        sink.Left("TRIES", triesWidth);
        sink.Left("DISPATCHED_AT", DumpTime.Length);
        sink.Left("VISIBLE_AT", DumpTime.Length);
        sink.Text("BODY");
        sink.Line();
        Span<char> id = stackalloc char[IdWidth];
        Span<char> tries = stackalloc char[24];
        foreach (var m in messages)
        {
            m.Id.TryFormat(id, out _);
            sink.Left(id, IdWidth);
            sink.Left(Status(m.Status), Available.Length);
            m.Tries.TryFormat(tries, out var t, provider: System.Globalization.CultureInfo.InvariantCulture);
            tries[t++] = '/';
            m.MaxTries.TryFormat(tries[t..], out var max, provider: System.Globalization.CultureInfo.InvariantCulture);
            sink.Left(tries[..(t + max)], triesWidth);
            sink.Time(m.DispatchedAt);
            sink.Time(FirstVisible(m));
            sink.Preview(m.Body.ToString());
            sink.Line();
        }
    }

    private static MessageImage[] Find(StateImage image, string name)
    {
        foreach (var queue in image.Queues)
            if (string.Equals(queue.Name, name, StringComparison.Ordinal)) return queue.Messages;
        return [];
    }

    /// <summary>The instant the message is or was first visible: the end of its delay, else its dispatch.</summary>
    private static Instant FirstVisible(in MessageImage m) =>
        m.Delay is { } delay ? m.DispatchedAt + Duration.FromSeconds(delay) : m.DispatchedAt;

    private static string Status(MessageStatus status) => status == MessageStatus.Transit ? Transit : Available;

    private static int ArrivalOrder(MessageImage a, MessageImage b)
    {
        var order = a.DispatchedAt.CompareTo(b.DispatchedAt);
        if (order == 0) order = a.Sequence.CompareTo(b.Sequence);
        return order != 0 ? order : a.Id.CompareTo(b.Id);
    }
}
