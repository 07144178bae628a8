using Spartan.Api.Configuration;
using Spartan.Domain.Events;
using Spartan.Storage.Rocks;

namespace Spartan.Api.Cli;

/// <summary><c>spartan dump --events</c>: the event log as a table or JSON lines.</summary>
internal static partial class DumpCommand
{
    /// <summary>The event log from <see cref="DumpRequest.From"/> on, read page by page so it is never held whole.</summary>
    private static int Events(RocksStore store, SpartanConfig config, DumpRequest request, DumpOutput sink)
    {
        var log = store.EventLog;
        var next = request.From ?? log.FirstSequence;
        long remaining = request.Limit ?? long.MaxValue;
        var page = remaining > 0 ? log.Read(next, (int)Math.Min(remaining, Page)) : [];

        // Column widths come from what is known before streaming: declared queues and the first page; a longer
        // name met later only pushes its own row.
        var seqWidth = Math.Max("SEQ".Length, Digits(Math.Max(log.LastSequence, 0)));
        var queueWidth = "QUEUE".Length;
        foreach (var name in config.Queues) queueWidth = Math.Max(queueWidth, name.Length);
        foreach (var (_, e) in page) queueWidth = Math.Max(queueWidth, e.Queue.Length);
        var kindWidth = nameof(MessageDeadLettered).Length;
        if (!request.Json)
        {
            sink.Spaces(seqWidth - "SEQ".Length);
            sink.Text("SEQ");
            sink.Spaces(Gap);
            sink.Left("AT", DumpTime.Length);
            sink.Left("QUEUE", queueWidth);
            sink.Left("KIND", kindWidth);
            sink.Text("ID");
            sink.Line();
        }

        Span<char> id = stackalloc char[IdWidth];
        while (page.Count > 0)
        {
            foreach (var (sequence, e) in page)
            {
                var kind = e.GetType().Name;
                Guid? message = e is MessageEvent m ? m.MessageId : null;
                if (request.Json)
                {
                    sink.JsonLine(new DumpEventLine(sequence, e.At, e.Queue, kind, message), DumpJson.Default.DumpEventLine);
                    continue;
                }

                sink.Right(sequence, seqWidth);
                sink.Time(e.At);
                sink.Left(e.Queue, queueWidth);
                sink.Left(kind, kindWidth);
                if (message is { } value)
                {
                    value.TryFormat(id, out _);
                    sink.Text(id);
                }
                else
                {
                    sink.Char('-');
                }

                sink.Line();
            }

            remaining -= page.Count;
            next = page[^1].Sequence + 1;
            if (remaining <= 0 || page.Count < Page) break;
            page = log.Read(next, (int)Math.Min(remaining, Page));
        }

        return SpartanCli.Ok;
    }

    private static int Digits(long value)
    {
        var digits = 1;
        for (; value >= 10; value /= 10) digits++;
        return digits;
    }
}
