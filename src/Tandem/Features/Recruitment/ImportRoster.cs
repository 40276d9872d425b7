using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Tandem.Data;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Problems;

namespace Tandem.Features.Recruitment;

public sealed record RosterImportResult(int Invited, int Sent);

/// <summary>
/// Imports a roster: the same checks as the preview, then every row becomes an invitation in one
/// transaction (all or nothing), then the e-mails go out. Inside the transaction the program's row is locked and the
/// addresses checked again, so that a confirmation sent twice (or crossing another invitation) invites nobody twice.
/// </summary>
public sealed class ImportRoster(TandemDb db, PreviewRoster preview, IProgramApplicants applicants, InvitationMailer mailer, IOptions<RecruitmentOptions> options, TimeProvider clock,
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
        await using (var transaction = await db.Database.BeginTransactionAsync(ct))
        {
            if (!await RecruitmentRules.LockProgramAsync(db, programId, ct))
            {
                return new NotFound("No program with this id is visible to you.");
            }
            var rows = checkedRoster.Rows.ToList();
            var taken = await PreviewRoster.TakenRowsAsync(db, applicants, programId, rows, now, ct);
            if (taken.Count > 0)
            {
                logger.LogInformation("Roster for program {ProgramId} refused at import: {Errors} addresses taken meanwhile", programId, taken.Count);
                return new RosterInvalid(taken.OrderBy(e => e.Row).ToList());
            }
            foreach (var row in rows)
            {
                var (token, hash) = Invitation.NewToken();
                var invitation = Invitation.ToApply(program, row.Email, row.Role, InvitationSource.Roster, actor.UserId == Guid.Empty ? null : actor.UserId,
                    hash, now, expires, new InviteeDetails(row.FirstName, row.LastName, row.TimeZoneId, row.Group));
                db.Add(invitation);
                batch.Add((invitation, token));
            }
            await db.SaveChangesAsync(ct);
            await transaction.CommitAsync(ct);
        }
        var sent = await mailer.SendAsync(batch, ct);
        logger.LogInformation("Roster imported into program {ProgramId} by {UserId}: {Invited} invitations, {Sent} e-mailed now (the rest queued)",
            programId, actor.UserId, batch.Count, sent);
        return new RosterImportResult(batch.Count, sent);
    }
}
