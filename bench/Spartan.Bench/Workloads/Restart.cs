using Spartan.Bench.Report;
using Spartan.Bench.Server;

namespace Spartan.Bench.Workloads;

/// <summary>W6: with the queue holding <c>stored</c> messages, the time from spawning the server to its "listening on"
/// line. Memory mode: an empty start (the baseline of process start-up). Snapshot: after SIGTERM (final snapshot).
/// Log: after SIGKILL, replaying the log (compaction = false), then folding it (compaction = true), then from the
/// folded snapshot.</summary>
internal static class Restart
{
    public static async Task<List<Row>> RunAsync(Session session, long stored, CancellationToken ct)
    {
        var rows = new List<Row>();
        var mode = session.Mode;
        if (!mode.Persists)
        {
            var stop = await session.StopServerAsync();
            rows.Add(await RestartAsync(session, "W6 restart", 0, $"empty start (nothing kept); stop {stop.TotalSeconds:0.00} s", ct));
            return rows;
        }

        if (!mode.IsLog)
        {
            var stop = await session.StopServerAsync();
            var snapshotMs = ServerLog.Milliseconds(session.LastServerLog, "snapshot:");
            rows.Add(await RestartAsync(session, "W6 restart", stored,
                $"after SIGTERM: stop {stop.TotalSeconds:0.00} s (final snapshot {Ms(snapshotMs)})", ct));
            return rows;
        }

        await session.KillServerAsync();
        session.Folder.WriteConfig(mode.Toml(compaction: false));
        rows.Add(await RestartAsync(session, "W6 restart, replay", stored, "after SIGKILL, compaction = false", ct));

        await session.KillServerAsync();
        session.Folder.WriteConfig(mode.Toml(compaction: true));
        var compacted = await RestartAsync(session, "W6 restart, compact", stored, "after SIGKILL, compaction = true", ct);
        var compactMs = ServerLog.Milliseconds(session.Server.LogTail(), "Compacted");
        rows.Add(compacted with { Note = Throughput.Join(compacted.Note, $"compaction {Ms(compactMs)}") });

        await session.KillServerAsync();
        rows.Add(await RestartAsync(session, "W6 restart, compacted", stored, "after SIGKILL, log already folded", ct));
        return rows;
    }

    private static async Task<Row> RestartAsync(Session session, string name, long expected, string note, CancellationToken ct)
    {
        await session.StartServerAsync(ct);
        var server = session.Server;
        var seconds = server.StartToListening.TotalSeconds;
        var recoveryMs = ServerLog.Milliseconds(server.LogTail(), "Recovered");
        var size = await session.Clients[0].SizeAsync(ct);
        var notes = Throughput.Join(
            $"start→listening {seconds:0.00} s",
            recoveryMs is null ? "" : $"recovery {recoveryMs} ms",
            note,
            size == expected ? "" : $"size {size} ≠ expected {expected}");
        return Progress.Show(new Row(name, session.Mode.Name, size, seconds, size / seconds, null, null,
            size > 0 ? server.CpuAtListening * 1e6 / size : null, 0, notes));
    }

    private static string Ms(long? ms) => ms is null ? "not logged" : $"{ms} ms";
}
