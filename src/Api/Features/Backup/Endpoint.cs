using FastEndpoints;
using Spartan.Api.Hosting;
using Spartan.Api.Http;

namespace Spartan.Api.Features.Backup;

/// <summary><c>POST /_/backup</c>: a consistent copy of the store in a new folder (SPEC §6); a <c>*</c> key when keys
/// are configured; 409 <c>No persistence</c> in memory mode.</summary>
public sealed class BackupEndpoint(Backups backups) : EndpointWithoutRequest<BackupResponse>
{
    public override void Configure()
    {
        Post("/_/backup");
        Options(b => b.WithMetadata(RouteAccess.WildcardKey));
        Summary(s =>
        {
            s.Summary = "Back up the store (needs a wildcard key when keys are configured)";
            s.Description = "Writes a consistent copy of the store (a RocksDB checkpoint; in snapshot mode after a fresh " +
                            "snapshot) into a new folder under persistence.backup_path. The folder is a data folder: start a " +
                            "node with persistence.path set to it to serve its content.";
            s.Response(200, "Where the backup is, and what it holds", example: Examples.Backup);
            s.Problem(409, "`No persistence`: this node keeps messages in memory only");
            s.Problem(503, "`Storage unavailable`: the copy could not be written (a full disk)");
            s.KeyErrors("unknown key, or a key without \"*\"");
        });
    }

    public override async Task HandleAsync(CancellationToken ct)
    {
        if (!backups.Available)
        {
            await Problems.WriteAsync(HttpContext, StatusCodes.Status409Conflict, Problems.NoPersistence,
                "This node keeps messages in memory only; there is no store to back up.");
            return;
        }

        var result = await backups.RunAsync();
        await Replies.OkAsync(HttpContext, new BackupResponse(result.Path, result.Sequence, result.Messages), ApiJson.Web.BackupResponse);
    }
}

/// <summary>Answer of a backup.</summary>
public sealed record BackupResponse(string Path, long Sequence, long Messages);
