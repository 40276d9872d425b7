using Microsoft.Extensions.Options;
using Tandem.Data;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Problems;

namespace Tandem.Features.Recruitment;

public sealed record RosterImportResult(int Invited, int Sent);

/// <summary>
/// Imports a roster: the same checks as the preview, then every row becomes an invitation in one
/// transaction (all or nothing), then the e-mails go out.
/// </summary>
public sealed class ImportRoster(TandemDb db, PreviewRoster preview, InvitationMailer mailer, IOptions<RecruitmentOptions> options, TimeProvider clock,
    ILogger<ImportRoster> logger)
{
    public Task<Outcome<RosterImportResult>> RunAsync(Actor actor, Guid programId, RosterFile file, CancellationToken ct = default) =>
        RunAsync(actor, programId, () => RosterEncoding.Decode(file), ct);

    public Task<Outcome<RosterImportResult>> RunAsync(Actor actor, Guid programId, string csv, CancellationToken ct = default) =>
        RunAsync(actor, programId, () => new RosterText(csv, null), ct);

    private async Task<Outcome<RosterImportResult>> RunAsync(Actor actor, Guid programId, Func<Outcome<RosterText>> read, CancellationToken ct)
    {
        var opened = await preview.OpenAsync(actor, programId, read, ct);
        if (opened.Failure is { } failure)
        {
            return failure;
        }
        var (program, checkedRoster) = opened.Value;
        if (!checkedRoster.IsValid)
        {
            logger.LogInformation("Roster for program {ProgramId} refused: {Errors} row errors", programId, checkedRoster.Errors.Count);
            return new RosterInvalid(checkedRoster.Errors);
        }
        var now = clock.GetUtcNow().UtcDateTime;
        var expires = now.AddDays(options.Value.InvitationLifetimeDays);
        var batch = new List<(Invitation, string)>();
        foreach (var row in checkedRoster.Rows)
        {
            var (token, hash) = Invitation.NewToken();
            var invitation = Invitation.ToApply(program, row.Email, row.Role, InvitationSource.Roster, actor.UserId == Guid.Empty ? null : actor.UserId,
                hash, now, expires, new InviteeDetails(row.FirstName, row.LastName, row.TimeZoneId, row.Group));
            db.Add(invitation);
            batch.Add((invitation, token));
        }
        await using (var transaction = await db.Database.BeginTransactionAsync(ct))
        {
            await db.SaveChangesAsync(ct);
            await transaction.CommitAsync(ct);
        }
        var sent = await mailer.SendAsync(batch, ct);
        logger.LogInformation("Roster imported into program {ProgramId} by {UserId}: {Invited} invitations, {Sent} e-mailed now (the rest queued)",
            programId, actor.UserId, batch.Count, sent);
        return new RosterImportResult(batch.Count, sent);
    }
}
